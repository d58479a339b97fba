//! `/v1/organizations`.

use std::cmp::Ordering;

use serde_json::json;

use super::super::exchange::Shared;
use super::super::store::{Org, State, new_id};
use super::errors::{Answer, ApiError, ok};
use super::lookup::org;
use super::memberships::add_membership;
use super::params::{Body, Field, Query, contains_ci, data_page};

// ---- organizations --------------------------------------------------------------------------

fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    if out.is_empty() {
        "org".to_owned()
    } else {
        out.to_owned()
    }
}

fn check_slug(s: &State, slug: &str, except: Option<&str>) -> Result<(), ApiError> {
    let shape = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !shape {
        return Err(ApiError::invalid(
            "slug",
            "slug must contain only lowercase letters, digits, - and _.",
        ));
    }
    if s.orgs
        .iter()
        .any(|o| o.slug == slug && Some(o.id.as_str()) != except)
    {
        return Err(ApiError::taken(
            "slug",
            "That slug is taken. Please try another.",
        ));
    }
    Ok(())
}

type OrgOrder<'a> = dyn Fn(&Org, &Org) -> Ordering + 'a;

pub(super) fn orgs_list(shared: &Shared, q: &Query) -> Answer {
    let (limit, offset) = q.paging()?;
    let s = shared.lock();
    let users = q.all("user_id");
    let ids = q.all("organization_id");
    let needle = q.first("query").map(str::to_lowercase);
    let mut orgs: Vec<&Org> = s
        .orgs
        .iter()
        .filter(|o| {
            (users.is_empty() || users.iter().any(|u| s.membership(&o.id, u).is_some()))
                && (ids.is_empty() || ids.contains(&o.id.as_str()))
                && needle.as_deref().is_none_or(|n| {
                    contains_ci(Some(&o.name), n)
                        || contains_ci(Some(&o.slug), n)
                        || contains_ci(Some(&o.id), n)
                })
        })
        .collect();
    let (field, descending) = q.order_by("-created_at");
    let cmp: Box<OrgOrder<'_>> = match field {
        "created_at" => Box::new(|a, b| a.created_at.cmp(&b.created_at)),
        "name" => Box::new(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase())),
        "members_count" => Box::new(|a, b| s.members_count(&a.id).cmp(&s.members_count(&b.id))),
        _ => {
            return Err(ApiError::invalid(
                "order_by",
                format!("order_by {field:?} is not supported."),
            ));
        }
    };
    orgs.sort_by(|a, b| {
        let o = cmp(a, b).then_with(|| a.created_at.cmp(&b.created_at));
        if descending { o.reverse() } else { o }
    });
    let count = q.flag("include_members_count");
    ok(data_page(&orgs, limit, offset, |o| s.org_json(o, count)))
}

pub(super) fn orgs_create(shared: &Shared, body: &Body) -> Answer {
    let name = body.required_string("name")?;
    let mut s = shared.lock();
    let slug = match body.string("slug")? {
        Field::Value(slug) => {
            check_slug(&s, &slug, None)?;
            slug
        }
        Field::Absent | Field::Null => {
            let base = slugify(&name);
            let mut slug = base.clone();
            let mut n = 1;
            while s.orgs.iter().any(|o| o.slug == slug) {
                n += 1;
                slug = format!("{base}-{n}");
            }
            slug
        }
    };
    let created_by = match body.string("created_by")? {
        Field::Value(u) => {
            if s.user(&u).is_none() {
                return Err(ApiError::invalid(
                    "created_by",
                    "created_by must be the id of an existing user.",
                ));
            }
            Some(u)
        }
        Field::Absent | Field::Null => None,
    };
    let now = s.tick();
    let new_org = Org {
        id: new_id("org"),
        name,
        slug,
        public_metadata: body.object("public_metadata")?.unwrap_or_else(|| json!({})),
        private_metadata: body
            .object("private_metadata")?
            .unwrap_or_else(|| json!({})),
        max_allowed_memberships: match body.int("max_allowed_memberships")? {
            Field::Value(n) => n,
            Field::Absent | Field::Null => 0,
        },
        admin_delete_enabled: true,
        created_by: created_by.clone(),
        created_at: now,
        updated_at: now,
    };
    let org_id = new_org.id.clone();
    s.orgs.push(new_org);
    let created = s.org_json(org(&s, &org_id)?, false);
    s.emit("organization.created", created);
    if let Some(user_id) = created_by {
        add_membership(&mut s, &org_id, &user_id, "org:admin", None, None);
    }
    ok(s.org_json(org(&s, &org_id)?, false))
}

pub(super) fn orgs_update(shared: &Shared, id: &str, body: &Body) -> Answer {
    let mut s = shared.lock();
    let now = s.tick();
    let mut o = org(&s, id)?.clone();
    match body.string("name")? {
        Field::Value(name) if !name.trim().is_empty() => o.name = name,
        Field::Absent => {}
        _ => return Err(ApiError::invalid("name", "name must not be empty.")),
    }
    if let Field::Value(slug) = body.string("slug")? {
        check_slug(&s, &slug, Some(&o.id))?;
        o.slug = slug;
    }
    if let Field::Value(n) = body.int("max_allowed_memberships")? {
        o.max_allowed_memberships = n;
    }
    if let Some(v) = body.bool("admin_delete_enabled")? {
        o.admin_delete_enabled = v;
    }
    if let Some(v) = body.object("public_metadata")? {
        o.public_metadata = v;
    }
    if let Some(v) = body.object("private_metadata")? {
        o.private_metadata = v;
    }
    o.updated_at = now;
    let out = s.org_json(&o, false);
    if let Some(slot) = s.orgs.iter_mut().find(|x| x.id == o.id) {
        *slot = o;
    }
    s.emit("organization.updated", out.clone());
    ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Acme Inc."), "acme-inc");
        assert_eq!(slugify("!!!"), "org");
    }
}
