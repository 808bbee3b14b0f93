"""Asks for what opens the database when the keyring cannot: a passphrase (existing or new) or a recovery key.

The dialog only collects the text and says why it is needed; the start-up flow derives the key (argon2id)
and checks it off the GUI thread, and shows the dialog again with the reason when it does not open the file.
"""

from __future__ import annotations

import re
from enum import StrEnum

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from privdesk.ui.dialogs.common import FormDialog

MIN_PASSPHRASE = 8
HEX_KEY = re.compile(r"^[0-9a-fA-F]{64}$")


class Need(StrEnum):
    PASSPHRASE = "passphrase"  # the file is protected by a passphrase
    NEW_PASSPHRASE = "new_passphrase"  # a new database and no keyring to keep a random key
    RECOVERY_KEY = "recovery_key"  # keyring-keyed file whose key is not in this computer's keyring


INTROS = {
    Need.PASSPHRASE: "{db} is protected by a passphrase. Enter it to open the database.",
    Need.NEW_PASSPHRASE: (
        "No working keyring was found on this computer ({why}), so privdesk cannot keep a random "
        "encryption key for you. Choose a passphrase to encrypt {db}: it is asked at every start, and "
        "nothing can open the cases without it."
    ),
    Need.RECOVERY_KEY: (
        "{db} is encrypted, but its key is not in this computer's keyring ({why}). Enter the database's "
        "recovery key (64 hexadecimal digits, shown by `privdesk recovery-key`)."
    ),
}


class PassphraseDialog(FormDialog):
    def __init__(
        self, need: Need, database: str, parent: QWidget | None = None, *, why: str = "", problem: str = ""
    ) -> None:
        why = why or "none is set up"
        super().__init__(parent, "privdesk: unlock the database", INTROS[need].format(db=database, why=why))
        self.need = need
        self.setModal(True)
        self.secret = QLineEdit()
        self.secret.setObjectName("passphrase")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        label = "Recovery key:" if need is Need.RECOVERY_KEY else "Passphrase:"
        self.secret.setAccessibleName(label.rstrip(":"))
        self.form.addRow(label, self.secret)
        self.again = QLineEdit()
        self.again.setObjectName("passphrase_again")
        self.again.setAccessibleName("Passphrase again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        if need is Need.NEW_PASSPHRASE:
            self.form.addRow("Again:", self.again)
            hint = QLabel(
                f"At least {MIN_PASSPHRASE} characters; scripts may set PRIVDESK_PASSPHRASE instead."
            )
            hint.setEnabled(False)
            self.form.addRow("", hint)
        ok = self.buttons.button(self.buttons.StandardButton.Ok)
        ok.setText("Open")
        ok.setObjectName("passphrase_open")
        self.buttons.button(self.buttons.StandardButton.Cancel).setText("Quit privdesk")
        if problem:
            self.message.setText(problem)
            self.message.show()

    def value(self) -> str:
        text = self.secret.text()
        return text.strip().lower() if self.need is Need.RECOVERY_KEY else text

    def problem(self) -> str:
        text = self.value()
        if self.need is Need.RECOVERY_KEY:
            return "" if HEX_KEY.match(text) else "A recovery key is 64 hexadecimal digits (0-9, a-f)."
        if not text:
            return "Enter the passphrase."
        if self.need is Need.NEW_PASSPHRASE:
            if len(text) < MIN_PASSPHRASE:
                return f"Choose a passphrase of at least {MIN_PASSPHRASE} characters."
            if text != self.again.text():
                return "The two passphrases differ."
        return ""
