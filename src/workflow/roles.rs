//! Staff, roles and the checks that guard the workflow: only a supervisor reviews, only a manager
//! assigns escalations, only a manager or the handler they assigned records handling.
//!
//! These are guard rails for a shared desk, not security: the acting person is the OS user or
//! whatever `--as` says, and anyone who can open the database file can change it. The audit log
//! keeps the OS user beside the name acted as.
//!
//! While no staff are defined at all, the checks are off: a new database works for one person
//! straight away. They come on with the first `huifang staff add`.

use chrono::NaiveDateTime;
use color_eyre::eyre::Result;
use serde_json::json;

use crate::domain::{Staff, StaffRole};
use crate::error::BadInput;
use crate::store::{Reads, Tx};

/// What the checks know about the acting person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    pub name: String,
    /// False while no staff are defined: every check passes.
    pub checks_on: bool,
    /// The person's role, when they are staff.
    pub role: Option<StaffRole>,
}

impl Acting {
    pub fn load(r: &impl Reads, name: &str) -> Result<Self> {
        Ok(Self {
            name: name.to_string(),
            checks_on: r.staff_count(None)? > 0,
            role: r.staff_member(name)?.map(|s| s.role),
        })
    }

    /// Why the person may not `what` (which only `allowed` may do, or `also`, a person named
    /// for this one thing), or `None` when they may.
    pub fn refusal(&self, allowed: &[StaffRole], also: Option<&str>, what: &str) -> Option<String> {
        if !self.checks_on || also.is_some_and(|a| a == self.name) {
            return None;
        }
        let who: Vec<&str> = allowed.iter().map(|r| r.code()).collect();
        let extra = if also.is_some() {
            " or the assigned handler"
        } else {
            ""
        };
        match self.role {
            Some(r) if allowed.contains(&r) => None,
            Some(r) => Some(format!(
                "{} is {} ({}): only a {}{extra} may {what}",
                self.name,
                r.code(),
                r.zh(),
                who.join(" or "),
            )),
            None => Some(format!(
                "`{}` is not on the staff list, so may not {what}: see `huifang staff list`, and act as a {}{extra} with --as NAME",
                self.name,
                who.join(" or "),
            )),
        }
    }

    /// Refuses with a bad-input error when the person may not.
    pub fn require(&self, allowed: &[StaffRole], also: Option<&str>, what: &str) -> Result<()> {
        match self.refusal(allowed, also, what) {
            Some(why) => Err(BadInput::new(why).into()),
            None => Ok(()),
        }
    }
}

/// Who may change the staff list: anyone until a manager is on it, then only a manager (so the
/// first person added cannot lock everyone out by being an operator).
fn may_change_staff(tx: &Tx<'_>, actor: &str) -> Result<()> {
    if tx.staff_count(Some(StaffRole::Manager))? == 0 {
        return Ok(());
    }
    Acting::load(tx, actor)?.require(&[StaffRole::Manager], None, "change the staff list")
}

pub fn add_staff(
    tx: &Tx<'_>,
    name: &str,
    role: StaffRole,
    site: &str,
    actor: &str,
    now: NaiveDateTime,
) -> Result<Staff> {
    let name = name.trim();
    if name.is_empty() {
        return Err(BadInput::new("staff add: the name is empty").into());
    }
    may_change_staff(tx, actor)?;
    if let Some(s) = tx.staff_member(name)? {
        return Err(BadInput::new(format!(
            "{name} is already on the staff list as {}: `huifang staff remove {name}` first to change the role",
            s.role
        ))
        .into());
    }
    tx.insert_staff(name, role, site.trim(), now)?;
    let staff = tx.staff_member(name)?.expect("just added");
    tx.audit(
        now,
        actor,
        "staff.add",
        &format!("staff:{name}"),
        None,
        Some(&json!(staff)),
    )?;
    Ok(staff)
}

pub fn remove_staff(tx: &Tx<'_>, name: &str, actor: &str, now: NaiveDateTime) -> Result<Staff> {
    may_change_staff(tx, actor)?;
    let Some(staff) = tx.staff_member(name.trim())? else {
        return Err(BadInput::new(format!(
            "`{name}` is not on the staff list: `huifang staff list` shows who is"
        ))
        .into());
    };
    tx.delete_staff(&staff.name)?;
    tx.audit(
        now,
        actor,
        "staff.remove",
        &format!("staff:{}", staff.name),
        Some(&json!(staff)),
        None,
    )?;
    Ok(staff)
}
