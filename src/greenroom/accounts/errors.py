"""Errors a person can cause in the accounts feature, each with a message meant for them."""

from __future__ import annotations


class AccountError(Exception):
    """A request the accounts feature refuses; `message` is shown to the person as it is."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(AccountError):
    status_code = 404


class Forbidden(AccountError):
    status_code = 403
