"""Keys derived from the app secret: keyed digests for stored tokens and encryption at rest."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class Keyring:
    """Derives one independent key per purpose from the app secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def key(self, purpose: str) -> bytes:
        return hmac.new(self._secret, f"greenroom:{purpose}".encode(), hashlib.sha256).digest()

    def digest(self, purpose: str, value: str) -> str:
        """A keyed SHA-256 of `value`: what is stored for session ids, tokens and recovery codes."""
        return hmac.new(self.key(purpose), value.encode(), hashlib.sha256).hexdigest()

    def encrypt(self, purpose: str, plaintext: str) -> str:
        return self._fernet(purpose).encrypt(plaintext.encode()).decode()

    def decrypt(self, purpose: str, ciphertext: str) -> str:
        try:
            return self._fernet(purpose).decrypt(ciphertext.encode()).decode()
        except InvalidToken as error:
            raise ValueError("stored secret cannot be decrypted with this app secret") from error

    def _fernet(self, purpose: str) -> Fernet:
        return Fernet(base64.urlsafe_b64encode(self.key(purpose)))
