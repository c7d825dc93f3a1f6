"""JSON shapes of the accounts API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from greenroom.accounts.models import Role


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    role: Role
    bio: str
    target_roles: list[str]
    totp_enabled: bool
    created_at: datetime


class ProfileIn(BaseModel):
    display_name: str = Field(min_length=1, max_length=80)
    bio: str = Field(default="", max_length=2000)
    target_roles: list[str] = Field(default_factory=list, max_length=10)


class ActivityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    kind: str
    ip: str
    user_agent: str
    detail: str


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)


class TokenCreated(TokenOut):
    token: str = Field(description="The secret; shown once only.")


class RoleIn(BaseModel):
    role: Role
