# Builds privdesk for Windows: the PyInstaller bundle in dist\privdesk\ and, when Inno Setup 6 is
# installed, the installer dist\privdesk-VERSION-setup.exe. Run from a PowerShell prompt in the
# project's root on 64-bit Windows 10 or 11 with Python 3.11 or later (python.org installer):
#
#     powershell -ExecutionPolicy Bypass -File packaging\windows\build-windows.ps1
#
# NOT TESTED: this script was written on Linux and has never been run on Windows. See packaging/README.md.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

if (-not $env:VIRTUAL_ENV) {
    py -3.11 -m venv build\venv
    . build\venv\Scripts\Activate.ps1
    python -m pip install -q -c constraints.txt --upgrade pip
}
python -m pip install -q -c constraints.txt --build-constraint constraints.txt -e ".[bundle]"
if ($LASTEXITCODE) { throw "pip install failed" }

$version = python -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])"
python packaging\make_icons.py ico packaging\windows\privdesk.ico
if ($LASTEXITCODE) { throw "the icon could not be made" }

pyinstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller packaging\privdesk.spec
if ($LASTEXITCODE) { throw "PyInstaller failed" }
python packaging\collect_licences.py dist\privdesk\licences

# A quick check of the frozen command line (the GUI build has no console: output goes to a file).
& dist\privdesk\privdesk.exe --version | Out-File -Encoding utf8 build\version.txt
if ((Get-Content build\version.txt).Trim() -ne $version) { throw "the bundle does not report version $version" }

$iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe"
if (Test-Path $iscc) {
    & $iscc "/DAppVersion=$version" packaging\windows\privdesk.iss
    if ($LASTEXITCODE) { throw "Inno Setup failed" }
    Write-Host "installer: dist\privdesk-$version-setup.exe"
} else {
    Write-Host "Inno Setup 6 not found: only the bundle dist\privdesk\ was built"
}
