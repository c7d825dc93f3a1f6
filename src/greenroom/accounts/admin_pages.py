"""The admin's page: every user, and the role each one has."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from greenroom.accounts import service
from greenroom.accounts.deps import AdminViewer
from greenroom.accounts.errors import AccountError
from greenroom.accounts.models import Role
from greenroom.web.csrf import verify_csrf
from greenroom.web.deps import ClientDep, SessionDep
from greenroom.web.flash import flash
from greenroom.web.templating import render

router = APIRouter(prefix="/admin", dependencies=[Depends(verify_csrf)], include_in_schema=False)
PER_PAGE = 100


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, viewer: AdminViewer, db: SessionDep, page: int = 1) -> Response:
    page = max(1, page)
    users = service.list_users(db, viewer.user, offset=(page - 1) * PER_PAGE, limit=PER_PAGE + 1)
    return render(
        request,
        "accounts/admin_users.html",
        {
            "users": users[:PER_PAGE],
            "roles": [role.value for role in Role],
            "page": page,
            "has_more": len(users) > PER_PAGE,
        },
    )


@router.post("/users/{user_id}/role")
def change_role(
    request: Request,
    user_id: int,
    viewer: AdminViewer,
    db: SessionDep,
    client: ClientDep,
    role: Annotated[str, Form()] = "",
) -> Response:
    response = RedirectResponse("/admin/users", status_code=303)
    try:
        target = service.change_role(db, viewer.user, user_id, role, client)
    except AccountError as error:
        flash(request, response, "error", error.message)
        return response
    flash(request, response, "success", f"{target.email} is now {target.role}.")
    return response
