use chrono::NaiveDateTime;
use color_eyre::eyre::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Tx, code};
use crate::domain::{Staff, StaffRole};

fn staff_from_row(r: &Row<'_>) -> rusqlite::Result<Staff> {
    Ok(Staff {
        name: r.get(0)?,
        role: code(r, 1, StaffRole::parse)?,
        site: r.get(2)?,
        added_at: r.get(3)?,
    })
}

pub(super) fn list(c: &Connection) -> Result<Vec<Staff>> {
    Ok(
        c.prepare_cached("SELECT name, role, site, added_at FROM staff ORDER BY role, name")?
            .query_map([], staff_from_row)?
            .collect::<rusqlite::Result<_>>()?,
    )
}

pub(super) fn by_name(c: &Connection, name: &str) -> Result<Option<Staff>> {
    Ok(
        c.prepare_cached("SELECT name, role, site, added_at FROM staff WHERE name = ?1")?
            .query_row([name], staff_from_row)
            .optional()?,
    )
}

/// How many staff have `role` (any role when `None`).
pub(super) fn count(c: &Connection, role: Option<StaffRole>) -> Result<u64> {
    Ok(
        c.prepare_cached("SELECT count(*) FROM staff WHERE ?1 IS NULL OR role = ?1")?
            .query_row([role.map(|r| r.code())], |r| r.get::<_, i64>(0))? as u64,
    )
}

impl Tx<'_> {
    pub fn insert_staff(
        &self,
        name: &str,
        role: StaffRole,
        site: &str,
        at: NaiveDateTime,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO staff (name, role, site, added_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![name, role.code(), site, at])?;
        Ok(())
    }

    pub fn delete_staff(&self, name: &str) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("DELETE FROM staff WHERE name = ?1")?
            .execute([name])?
            > 0)
    }
}
