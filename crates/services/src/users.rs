//! Admin management of users (spec §1): create, disable, roles, password reset.
//! Rules: nobody changes their own roles; the last active admin stays.

use medops_domain::user::{FullName, Username, validate_password};
use medops_domain::{Capability, FieldError, Invalid, Lang, Role};
use medops_storage::{session, user};
use serde::Serialize;
use serde_json::json;

use crate::audit::Event;
use crate::auth::{create_user_tx, hash_password};
use crate::{Caller, ServiceError, ServiceResult, Services};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<Role>,
    pub language: Option<String>,
    pub active: bool,
    pub must_change_password: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
}

impl From<user::User> for UserView {
    fn from(u: user::User) -> Self {
        UserView {
            id: u.row.id,
            username: u.row.username,
            full_name: u.row.full_name,
            roles: u.roles,
            language: u.row.language,
            active: u.row.active,
            must_change_password: u.row.must_change_password,
            created_at: jiff::Timestamp::from_microsecond(u.row.created_at).unwrap_or(jiff::Timestamp::UNIX_EPOCH),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewUserCmd {
    pub username: String,
    pub full_name: String,
    pub password: String,
    pub roles: Vec<String>,
    pub language: Option<String>,
}

fn parse_roles(raw: &[String], errs: &mut Invalid) -> Vec<Role> {
    let mut roles = Vec::new();
    for r in raw {
        match Role::parse(r) {
            Some(role) if !roles.contains(&role) => roles.push(role),
            Some(_) => {}
            None => errs.push(FieldError::new("roles", "err-role-unknown").arg("value", r)),
        }
    }
    if roles.is_empty() && errs.0.iter().all(|e| e.field != "roles") {
        errs.push(FieldError::new("roles", "err-required"));
    }
    roles.sort();
    roles
}

impl Services {
    pub async fn users_list(&self, caller: &Caller) -> ServiceResult<Vec<UserView>> {
        self.require(caller, Capability::ManageUsers, "user.list").await?;
        let mut tx = self.db().read().await?;
        let users = user::list(&mut tx).await?;
        tx.commit().await?;
        Ok(users.into_iter().map(UserView::from).collect())
    }

    pub async fn user_get(&self, caller: &Caller, id: i64) -> ServiceResult<UserView> {
        self.require(caller, Capability::ManageUsers, "user.read").await?;
        let mut tx = self.db().read().await?;
        let u = user::find(&mut tx, id).await?;
        tx.commit().await?;
        Ok(u.into())
    }

    /// Admin creates a user; the password must be changed at first login.
    pub async fn user_create(&self, caller: &Caller, cmd: NewUserCmd) -> ServiceResult<UserView> {
        self.require(caller, Capability::ManageUsers, "user.create").await?;
        self.create_user_unchecked(Some(caller), cmd, true).await
    }

    /// Creation without a permission check: the CLI (operator at the console) and demo data.
    pub async fn create_user_unchecked(&self, caller: Option<&Caller>, cmd: NewUserCmd, must_change: bool) -> ServiceResult<UserView> {
        let mut errs = Invalid::default();
        let username = Username::parse(&cmd.username).map_err(|e| errs.push(e)).ok();
        let full_name = FullName::parse(if cmd.full_name.trim().is_empty() {
            &cmd.username
        } else {
            &cmd.full_name
        })
        .map_err(|e| errs.push(e))
        .ok();
        let roles = parse_roles(&cmd.roles, &mut errs);
        let name_for_check = username
            .as_ref()
            .map_or(cmd.username.trim().to_lowercase(), |u| u.as_str().to_owned());
        if let Err(e) = validate_password(&cmd.password, &name_for_check) {
            errs.push(e);
        }
        let lang = match cmd.language.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(l) => match Lang::parse(l) {
                Some(l) => Some(l),
                None => {
                    errs.push(FieldError::new("language", "err-language"));
                    None
                }
            },
            None => None,
        };
        errs.into_result()?;
        let (Some(username), Some(full_name)) = (username, full_name) else {
            return Err(ServiceError::Internal("validation inconsistency".into()));
        };
        let hash = hash_password(&cmd.password).await?;
        let mut tx = self.db().begin().await?;
        let id = create_user_tx(
            &mut tx,
            username.as_str(),
            full_name.as_str(),
            &hash,
            must_change,
            &roles,
            self.now_us(),
        )
        .await?;
        if let Some(l) = lang {
            user::set_profile(&mut tx, id, full_name.as_str(), Some(l.as_str()), self.now_us()).await?;
        }
        let changes = json!({"username": {"old": null, "new": username.as_str()}, "full_name": {"old": null, "new": full_name.as_str()},
            "roles": {"old": null, "new": roles}});
        let e = Event::new("user.create", "user", id).changes(changes);
        match caller {
            Some(c) => self.record(&mut tx, c, e).await?,
            None => self.record_system(&mut tx, None, e, "success").await?,
        }
        let u = user::find(&mut tx, id).await?;
        tx.commit().await?;
        Ok(u.into())
    }

    /// Sets roles. Refused for oneself, and when it would leave no active admin.
    pub async fn user_set_roles(&self, caller: &Caller, id: i64, roles: &[String]) -> ServiceResult<UserView> {
        self.require(caller, Capability::ManageUsers, "user.set_roles").await?;
        if caller.actor.user_id == id {
            return Err(ServiceError::conflict("err-own-roles"));
        }
        let mut errs = Invalid::default();
        let roles = parse_roles(roles, &mut errs);
        errs.into_result()?;
        let mut tx = self.db().begin().await?;
        let before = user::find(&mut tx, id).await?;
        if before.roles.contains(&Role::Admin)
            && !roles.contains(&Role::Admin)
            && before.row.active
            && user::count_active_with_role(&mut tx, Role::Admin).await? <= 1
        {
            return Err(ServiceError::conflict("err-last-admin"));
        }
        user::set_roles(&mut tx, id, &roles).await?;
        let changes = json!({"roles": {"old": before.roles, "new": roles}});
        self.record(&mut tx, caller, Event::new("user.role_change", "user", id).changes(changes).high())
            .await?;
        let u = user::find(&mut tx, id).await?;
        tx.commit().await?;
        Ok(u.into())
    }

    /// Enables or disables a user; disabling ends their sessions.
    pub async fn user_set_active(&self, caller: &Caller, id: i64, active: bool) -> ServiceResult<UserView> {
        self.require(caller, Capability::ManageUsers, "user.set_active").await?;
        let mut tx = self.db().begin().await?;
        let before = user::find(&mut tx, id).await?;
        if !active {
            if caller.actor.user_id == id {
                return Err(ServiceError::conflict("err-disable-self"));
            }
            if before.roles.contains(&Role::Admin) && before.row.active && user::count_active_with_role(&mut tx, Role::Admin).await? <= 1 {
                return Err(ServiceError::conflict("err-last-admin"));
            }
            session::revoke_all_for_user(&mut tx, id, self.now_us()).await?;
        }
        user::set_active(&mut tx, id, active, self.now_us()).await?;
        let changes = json!({"active": {"old": before.row.active, "new": active}});
        let action = if active { "user.enable" } else { "user.disable" };
        self.record(&mut tx, caller, Event::new(action, "user", id).changes(changes))
            .await?;
        let u = user::find(&mut tx, id).await?;
        tx.commit().await?;
        Ok(u.into())
    }

    /// Admin sets a new password; the user must change it at next login.
    pub async fn user_reset_password(&self, caller: &Caller, id: i64, password: &str) -> ServiceResult<()> {
        self.require(caller, Capability::ManageUsers, "user.reset_password").await?;
        self.reset_password_unchecked(Some(caller), id, password).await
    }

    pub async fn reset_password_unchecked(&self, caller: Option<&Caller>, id: i64, password: &str) -> ServiceResult<()> {
        let mut tx = self.db().read().await?;
        let u = user::find(&mut tx, id).await?;
        tx.commit().await?;
        validate_password(password, &u.row.username).map_err(|e| ServiceError::Invalid(Invalid(vec![e])))?;
        let hash = hash_password(password).await?;
        let mut tx = self.db().begin().await?;
        user::set_password(&mut tx, id, &hash, true, self.now_us()).await?;
        session::revoke_all_for_user(&mut tx, id, self.now_us()).await?;
        let e = Event::new("user.password_reset", "user", id).high();
        match caller {
            Some(c) => self.record(&mut tx, c, e).await?,
            None => self.record_system(&mut tx, None, e, "success").await?,
        }
        tx.commit().await?;
        Ok(())
    }

    /// CLI: look a user up by name (operator at the console).
    pub async fn user_id_by_name(&self, username: &str) -> ServiceResult<i64> {
        let mut tx = self.db().read().await?;
        let u = user::find_by_username(&mut tx, &username.trim().to_lowercase()).await?;
        tx.commit().await?;
        u.map(|u| u.row.id).ok_or(ServiceError::NotFound)
    }

    /// CLI: disable without a caller (still keeps the last admin).
    pub async fn disable_user_unchecked(&self, id: i64) -> ServiceResult<()> {
        let mut tx = self.db().begin().await?;
        let before = user::find(&mut tx, id).await?;
        if before.roles.contains(&Role::Admin) && before.row.active && user::count_active_with_role(&mut tx, Role::Admin).await? <= 1 {
            return Err(ServiceError::conflict("err-last-admin"));
        }
        session::revoke_all_for_user(&mut tx, id, self.now_us()).await?;
        user::set_active(&mut tx, id, false, self.now_us()).await?;
        self.record_system(
            &mut tx,
            None,
            Event::new("user.disable", "user", id).changes(json!({"active": {"old": before.row.active, "new": false}})),
            "success",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
