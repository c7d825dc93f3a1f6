"""The accounts JSON API under /api/v1: the caller's profile, activity and tokens; admin roles."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Response

from greenroom.accounts import service
from greenroom.accounts.deps import ApiAdmin, ApiViewer
from greenroom.accounts.errors import AccountError
from greenroom.accounts.schemas import (
    ActivityOut,
    ProfileIn,
    RoleIn,
    TokenCreated,
    TokenIn,
    TokenOut,
    UserOut,
)
from greenroom.web.deps import ClientDep, KeysDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["accounts"])


def _refuse(error: AccountError) -> HTTPException:
    return HTTPException(error.status_code, error.message)


@router.get("/me", response_model=UserOut, summary="The signed-in user")
def me(viewer: ApiViewer) -> UserOut:
    return UserOut.model_validate(viewer.user)


@router.patch("/me", response_model=UserOut, summary="Update the profile")
def update_me(body: ProfileIn, viewer: ApiViewer, db: SessionDep, client: ClientDep) -> UserOut:
    try:
        service.update_profile(
            db,
            viewer.user,
            display_name=body.display_name,
            bio=body.bio,
            target_roles=body.target_roles,
            client=client,
        )
    except AccountError as error:
        raise _refuse(error) from error
    return UserOut.model_validate(viewer.user)


@router.get("/me/activity", response_model=list[ActivityOut], summary="My account activity log")
def my_activity(
    viewer: ApiViewer,
    db: SessionDep,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> list[ActivityOut]:
    events = service.activity(db, viewer.user, limit=limit, offset=offset)
    return [ActivityOut.model_validate(event) for event in events]


@router.get("/me/tokens", response_model=list[TokenOut], summary="My active API tokens")
def my_tokens(viewer: ApiViewer, db: SessionDep) -> list[TokenOut]:
    return [TokenOut.model_validate(token) for token in service.tokens(db, viewer.user)]


@router.post(
    "/me/tokens",
    response_model=TokenCreated,
    status_code=201,
    summary="Create an API token (the secret is in this response only)",
)
def create_token(
    body: TokenIn, viewer: ApiViewer, db: SessionDep, keys: KeysDep, client: ClientDep
) -> TokenCreated:
    try:
        created = service.create_token(db, keys, viewer.user, body.name, client)
    except AccountError as error:
        raise _refuse(error) from error
    out = TokenOut.model_validate(created.token)
    return TokenCreated(**out.model_dump(), token=created.secret)


@router.delete("/me/tokens/{token_id}", status_code=204, summary="Revoke one of my tokens")
def revoke_token(token_id: int, viewer: ApiViewer, db: SessionDep, client: ClientDep) -> Response:
    try:
        service.revoke_token(db, viewer.user, token_id, client)
    except AccountError as error:
        raise _refuse(error) from error
    return Response(status_code=204)


@router.get("/admin/users", response_model=list[UserOut], summary="All users (admin)")
def list_users(
    viewer: ApiAdmin,
    db: SessionDep,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> list[UserOut]:
    users = service.list_users(db, viewer.user, offset=offset, limit=limit)
    return [UserOut.model_validate(user) for user in users]


@router.put(
    "/admin/users/{user_id}/role", response_model=UserOut, summary="Change a user's role (admin)"
)
def set_role(
    user_id: int, body: RoleIn, viewer: ApiAdmin, db: SessionDep, client: ClientDep
) -> UserOut:
    try:
        user = service.change_role(db, viewer.user, user_id, body.role.value, client)
    except AccountError as error:
        raise _refuse(error) from error
    return UserOut.model_validate(user)
