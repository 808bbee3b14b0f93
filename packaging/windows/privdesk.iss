; Inno Setup 6 script for privdesk. packaging\windows\build-windows.ps1 builds the bundle first and
; runs: ISCC.exe /DAppVersion=X.Y.Z packaging\windows\privdesk.iss
; NOT TESTED: written on Linux, never compiled or installed on Windows. See packaging/README.md.

#ifndef AppVersion
  #error Give the version: ISCC.exe /DAppVersion=X.Y.Z privdesk.iss
#endif

[Setup]
AppId={{6F1B5C2E-3D4A-4E8B-9C7F-2A1D0E5B8C34}
AppName=privdesk
AppVersion={#AppVersion}
AppPublisher=privdesk
DefaultDirName={autopf}\privdesk
DefaultGroupName=privdesk
; Per-user install by default (no administrator needed); the dialog offers all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
LicenseFile=..\..\LICENSE
OutputDir=..\..\dist
OutputBaseFilename=privdesk-{#AppVersion}-setup
SetupIconFile=privdesk.ico
UninstallDisplayIcon={app}\privdesk.exe
Compression=lzma2/fast
SolidCompression=yes
WizardStyle=modern

[Files]
Source: "..\..\dist\privdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\privdesk"; Filename: "{app}\privdesk.exe"
Name: "{group}\privdesk (demo database)"; Filename: "{app}\privdesk.exe"; Parameters: "--demo"
Name: "{autodesktop}\privdesk"; Filename: "{app}\privdesk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; Flags: unchecked

[Run]
Filename: "{app}\privdesk.exe"; Parameters: "--demo"; Description: "Open privdesk on the demo database"; Flags: nowait postinstall skipifsilent unchecked

; The user's data (%LOCALAPPDATA%\privdesk) is left in place on uninstall: it holds the case records.
