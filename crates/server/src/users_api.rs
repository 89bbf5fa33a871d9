//! The admin's user routes: add a user (a one-time password and a first API token, answered
//! once), change a user's role, disable or enable them, reset their password.
//!
//! Owns the HTTP shapes of those changes and the rule that the last enabled admin is neither
//! demoted nor disabled here (the command line still can: whoever holds the store's file is
//! its owner). Refuses storing (the store) and deciding who may ask (`auth::required`: admin).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use borderwatch_store::auth::{self as store_auth, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{NoParams, J, Q};
use crate::auth::{user_info, Event, UserInfo};
use crate::error::{ApiError, Code, ErrorBody};
use crate::AppState;

/// Days the first token of a user added here is valid.
const FIRST_TOKEN_DAYS: i64 = 90;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub name: String,
    /// viewer, analyst, source-handler or admin.
    pub role: String,
}

/// A user added: the password and the token are shown here once; the store keeps hashes.
#[derive(Serialize, ToSchema)]
pub struct UserAdded {
    pub user: UserInfo,
    pub password: String,
    pub token: String,
    pub token_expires_at: String,
}

/// One change: exactly one field.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    pub role: Option<String>,
    pub disabled: Option<bool>,
    /// A new one-time password (answered once); the user's sessions end.
    pub reset_password: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct UserChanged {
    pub user: UserInfo,
    pub password: Option<String>,
}

fn role(s: &str) -> Result<Role, ApiError> {
    Role::parse(s).map_err(|e| ApiError::new(Code::BadBody, e))
}

fn writer(s: &AppState) -> Result<Arc<crate::Pool>, ApiError> {
    s.accounts.writer.clone().ok_or_else(|| {
        ApiError::new(
            Code::ReadOnly,
            "the server was started --read-only before the store had users; start it again",
        )
    })
}

fn event(r: &mut Response, action: &'static str, name: &str, detail: Option<String>) {
    r.extensions_mut().insert(Event {
        action,
        target: format!("user {name}"),
        detail,
    });
}

#[utoipa::path(post, path = "/api/users", request_body = NewUser,
    responses((status = 201, body = UserAdded), (status = 400, body = ErrorBody)))]
pub async fn add(
    State(s): State<Arc<AppState>>,
    Q(_): Q<NoParams>,
    J(b): J<NewUser>,
) -> Result<Response, ApiError> {
    let r = role(&b.role)?;
    store_auth::check_name(&b.name).map_err(|e| ApiError::new(Code::BadBody, e.0))?;
    let w = writer(&s)?;
    let now_secs = (s.accounts.secs)();
    let now = store_auth::timestamp(now_secs);
    let expires = store_auth::timestamp(now_secs + FIRST_TOKEN_DAYS * 86_400);
    let (password, hash, token) = crate::blocking(|| {
        let password = store_auth::new_password()?;
        let hash = store_auth::hash_password(&password)?;
        Ok((password, hash, store_auth::new_token()?))
    })
    .await?;
    let (name, t, exp) = (b.name.clone(), token.clone(), expires.clone());
    let user = w
        .with(move |st| {
            if st.user(&name)?.is_some() {
                return Err(ApiError::new(
                    Code::BadBody,
                    format!("user {name:?} already exists"),
                ));
            }
            let u = st.add_user(&name, r, Some(&hash), &now)?;
            st.add_token(&name, &t, "first", &now, &exp)?;
            Ok(u)
        })
        .await?;
    let mut resp = (
        StatusCode::CREATED,
        Json(UserAdded {
            user: user_info(user),
            password,
            token,
            token_expires_at: expires,
        }),
    )
        .into_response();
    event(&mut resp, "user-add", &b.name, Some(format!("role {r}")));
    Ok(resp)
}

#[utoipa::path(post, path = "/api/users/{name}", params(("name" = String, Path)),
    request_body = UserChange,
    responses((status = 200, body = UserChanged), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn change(
    State(s): State<Arc<AppState>>,
    Path(name): Path<String>,
    Q(_): Q<NoParams>,
    J(b): J<UserChange>,
) -> Result<Response, ApiError> {
    let given = [
        b.role.is_some(),
        b.disabled.is_some(),
        b.reset_password == Some(true),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(ApiError::new(
            Code::BadBody,
            "give exactly one change: role, disabled or reset_password: true",
        ));
    }
    let new_role = b.role.as_deref().map(role).transpose()?;
    let w = writer(&s)?;
    let now = store_auth::timestamp((s.accounts.secs)());
    let fresh = if b.reset_password == Some(true) {
        Some(
            crate::blocking(|| {
                let p = store_auth::new_password()?;
                let h = store_auth::hash_password(&p)?;
                Ok((p, h))
            })
            .await?,
        )
    } else {
        None
    };
    let hash = fresh.as_ref().map(|(_, h)| h.clone());
    let disabled = b.disabled;
    let n = name.clone();
    let (before, user) = w
        .with(move |st| {
            let Some(before) = st.user(&n)? else {
                return Err(ApiError::new(Code::NotFound, format!("no user {n:?}")));
            };
            let demotes = new_role.is_some_and(|r| r != Role::Admin) || disabled == Some(true);
            if before.role == Role::Admin && !before.disabled && demotes {
                let admins = st
                    .users()?
                    .iter()
                    .filter(|u| u.role == Role::Admin && !u.disabled)
                    .count();
                if admins == 1 {
                    return Err(ApiError::new(
                        Code::Forbidden,
                        format!(
                            "{n} is the last enabled admin: add another admin first (or use \
                             `borderwatch users` on the store itself)"
                        ),
                    ));
                }
            }
            let after = match (new_role, disabled, &hash) {
                (Some(r), _, _) => st.set_role(&n, r, &now)?,
                (_, Some(d), _) => st.set_disabled(&n, d, &now)?,
                (_, _, Some(h)) => st.set_password(&n, h, &now)?,
                _ => before.clone(),
            };
            Ok((before, after))
        })
        .await?;
    let (action, detail) = match (b.role.is_some(), b.disabled) {
        (true, _) => (
            "user-role",
            Some(format!("{} -> {}", before.role, user.role)),
        ),
        (_, Some(true)) => ("user-disable", None),
        (_, Some(false)) => ("user-enable", None),
        _ => ("user-reset", None),
    };
    let mut resp = Json(UserChanged {
        user: user_info(user),
        password: fresh.map(|(p, _)| p),
    })
    .into_response();
    event(&mut resp, action, &name, detail);
    Ok(resp)
}
