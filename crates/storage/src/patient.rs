//! Patients (spec §3): the record, its search tokens, allergies and history.
//!
//! Search uses `patient_token` (folded name words, the canonical cédula lower-cased
//! and its digits): every query word must be a prefix of some token of the patient,
//! checked with indexed range queries (`token >= 'mar' AND token < 'mas'`), one
//! sub-select per word, intersected. On PostgreSQL the comparison uses the "C"
//! collation (index `patient_token_c`, migration 0004) so the range is bytewise
//! whatever the database's collation.

use medops_domain::patient::ValidPatient;

use crate::{Result, SqlxExt, StorageError, Tx, with_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PatientRow {
    pub id: i64,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: String,
    pub second_last_name: Option<String>,
    pub cedula: Option<String>,
    pub passport: Option<String>,
    pub birth_date: Option<String>,
    pub sex: String,
    pub phone: Option<String>,
    pub phone2: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub occupation: Option<String>,
    pub marital_status: Option<String>,
    pub blood_type: Option<String>,
    pub guardian_name: Option<String>,
    pub guardian_cedula: Option<String>,
    pub guardian_relationship: Option<String>,
    pub guardian_phone: Option<String>,
    pub emergency_name: Option<String>,
    pub emergency_relationship: Option<String>,
    pub emergency_phone: Option<String>,
    pub no_known_allergies: bool,
    /// JSON object (the domain's `Habits`).
    pub habits: String,
    pub sort_key: String,
    pub archived: bool,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AllergyRow {
    pub substance: String,
    pub reaction: Option<String>,
    pub severity: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub kind: String,
    pub description: String,
}

/// A patient with its lists.
#[derive(Debug, Clone)]
pub struct Patient {
    pub row: PatientRow,
    pub allergies: Vec<AllergyRow>,
    pub history: Vec<HistoryRow>,
}

/// A search / list hit.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SummaryRow {
    pub id: i64,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: String,
    pub second_last_name: Option<String>,
    pub cedula: Option<String>,
    pub birth_date: Option<String>,
    pub sex: String,
    pub phone: Option<String>,
    pub archived: bool,
}

const COLS: &str = "id, first_name, middle_name, last_name, second_last_name, cedula, passport, birth_date, sex, phone, phone2, email, \
    address, occupation, marital_status, blood_type, guardian_name, guardian_cedula, guardian_relationship, guardian_phone, \
    emergency_name, emergency_relationship, emergency_phone, no_known_allergies, habits, sort_key, archived, created_by, created_at, updated_at";

const SUMMARY_COLS: &str =
    "p.id, p.first_name, p.middle_name, p.last_name, p.second_last_name, p.cedula, p.birth_date, p.sex, p.phone, p.archived";

/// The name of the unique index on the cédula; a conflict on it means "cédula taken"
/// (SQLite names the column instead: `patient.cedula`).
pub fn is_cedula_conflict(e: &StorageError) -> bool {
    e.is_conflict_on("patient_cedula_unique") || e.is_conflict_on("patient.cedula")
}

/// The column values of a validated patient, in `COLS` order after `id`
/// (without the bookkeeping columns).
struct Values {
    text: [Option<String>; 21],
    no_known_allergies: bool,
    habits: String,
    sort_key: String,
}

fn values(v: &ValidPatient) -> Values {
    let g = v.guardian.as_ref();
    let ec = v.emergency_contact.as_ref();
    let blood = match v.blood_type {
        medops_domain::patient::BloodType::Unknown => None,
        b => Some(b.as_str().to_owned()),
    };
    Values {
        text: [
            Some(v.first_name.clone()),
            v.middle_name.clone(),
            Some(v.last_name.clone()),
            v.second_last_name.clone(),
            v.cedula.as_ref().map(|c| c.as_str().to_owned()),
            v.passport.clone(),
            v.birth_date.map(|d| d.to_string()),
            Some(v.sex.as_str().to_owned()),
            v.phone.as_ref().map(|p| p.as_str().to_owned()),
            v.phone2.as_ref().map(|p| p.as_str().to_owned()),
            v.email.clone(),
            v.address.clone(),
            v.occupation.clone(),
            v.marital_status.map(|m| m.as_str().to_owned()),
            blood,
            g.map(|g| g.name.clone()),
            g.and_then(|g| g.cedula.as_ref().map(|c| c.as_str().to_owned())),
            g.map(|g| g.relationship.clone()),
            g.and_then(|g| g.phone.as_ref().map(|p| p.as_str().to_owned())),
            ec.map(|e| e.name.clone()),
            ec.and_then(|e| e.relationship.clone()),
        ],
        no_known_allergies: v.no_known_allergies,
        habits: serde_json::to_string(&v.habits).unwrap_or_else(|_| "{}".into()),
        sort_key: v.sort_key(),
    }
}

/// Creates a patient with its tokens, allergies and history. `Conflict` (see
/// [`is_cedula_conflict`]) when the cédula is taken.
pub async fn create(tx: &mut Tx, v: &ValidPatient, created_by: Option<i64>, now: i64) -> Result<i64> {
    let x = values(v);
    let emergency_phone = v.emergency_contact.as_ref().map(|e| e.phone.as_str().to_owned());
    let id: i64 = with_tx!(tx, c => {
        let mut q = sqlx::query_scalar(
            "INSERT INTO patient (first_name, middle_name, last_name, second_last_name, cedula, passport, birth_date, sex, phone, phone2, email,
                address, occupation, marital_status, blood_type, guardian_name, guardian_cedula, guardian_relationship, guardian_phone,
                emergency_name, emergency_relationship, emergency_phone, no_known_allergies, habits, sort_key, archived, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, FALSE, $26, $27, $27)
             RETURNING id");
        for t in &x.text {
            q = q.bind(t.clone());
        }
        q.bind(emergency_phone.clone()).bind(x.no_known_allergies).bind(x.habits.clone()).bind(x.sort_key.clone())
            .bind(created_by).bind(now)
            .fetch_one(&mut *c).await.db()
    })?;
    write_children(tx, id, v).await?;
    Ok(id)
}

/// Rewrites every column, the tokens, allergies and history of patient `id`.
pub async fn update(tx: &mut Tx, id: i64, v: &ValidPatient, now: i64) -> Result<()> {
    let x = values(v);
    let emergency_phone = v.emergency_contact.as_ref().map(|e| e.phone.as_str().to_owned());
    let n = with_tx!(tx, c => {
        let mut q = sqlx::query(
            "UPDATE patient SET first_name = $1, middle_name = $2, last_name = $3, second_last_name = $4, cedula = $5, passport = $6,
                birth_date = $7, sex = $8, phone = $9, phone2 = $10, email = $11, address = $12, occupation = $13, marital_status = $14,
                blood_type = $15, guardian_name = $16, guardian_cedula = $17, guardian_relationship = $18, guardian_phone = $19,
                emergency_name = $20, emergency_relationship = $21, emergency_phone = $22, no_known_allergies = $23, habits = $24,
                sort_key = $25, updated_at = $26
             WHERE id = $27");
        for t in &x.text {
            q = q.bind(t.clone());
        }
        q.bind(emergency_phone.clone()).bind(x.no_known_allergies).bind(x.habits.clone()).bind(x.sort_key.clone())
            .bind(now).bind(id)
            .execute(&mut *c).await.db().map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StorageError::NotFound);
    }
    with_tx!(tx, c => {
        for table in ["patient_token", "patient_allergy", "patient_history"] {
            let sql = format!("DELETE FROM {table} WHERE patient_id = $1");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).execute(&mut *c).await.db()?;
        }
        Ok::<(), StorageError>(())
    })?;
    write_children(tx, id, v).await
}

async fn write_children(tx: &mut Tx, id: i64, v: &ValidPatient) -> Result<()> {
    let tokens = v.search_tokens();
    with_tx!(tx, c => {
        for t in &tokens {
            // The token row copies the patient's sort key and archived flag (search ranks
            // from `patient_token_rank` alone): read them from the row just written.
            sqlx::query(
                "INSERT INTO patient_token (token, patient_id, sort_key, archived) SELECT $1, id, sort_key, archived FROM patient WHERE id = $2",
            )
            .bind(t).bind(id).execute(&mut *c).await.db()?;
        }
        for (i, a) in v.allergies.iter().enumerate() {
            sqlx::query("INSERT INTO patient_allergy (patient_id, position, substance, reaction, severity) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(i as i64).bind(&a.substance).bind(&a.reaction).bind(a.severity.map(|s| s.as_str()))
                .execute(&mut *c).await.db()?;
        }
        for (i, h) in v.medical_history.iter().enumerate() {
            sqlx::query("INSERT INTO patient_history (patient_id, position, kind, description) VALUES ($1, $2, $3, $4)")
                .bind(id).bind(i as i64).bind(h.kind.as_str()).bind(&h.description)
                .execute(&mut *c).await.db()?;
        }
        Ok::<(), StorageError>(())
    })
}

pub async fn find(tx: &mut Tx, id: i64) -> Result<Patient> {
    let sql = format!("SELECT {COLS} FROM patient WHERE id = $1");
    let row: PatientRow = with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *c).await.db())?;
    let (allergies, history) = with_tx!(tx, c => {
        let a: Vec<AllergyRow> = sqlx::query_as("SELECT substance, reaction, severity FROM patient_allergy WHERE patient_id = $1 ORDER BY position, id")
            .bind(id).fetch_all(&mut *c).await.db()?;
        let h: Vec<HistoryRow> = sqlx::query_as("SELECT kind, description FROM patient_history WHERE patient_id = $1 ORDER BY position, id")
            .bind(id).fetch_all(&mut *c).await.db()?;
        Ok::<_, StorageError>((a, h))
    })?;
    Ok(Patient { row, allergies, history })
}

pub async fn set_archived(tx: &mut Tx, id: i64, archived: bool, now: i64) -> Result<()> {
    let n = with_tx!(tx, c => {
        let n = sqlx::query("UPDATE patient SET archived = $1, updated_at = $2 WHERE id = $3")
            .bind(archived).bind(now).bind(id).execute(&mut *c).await.db()?.rows_affected();
        // Kept in step with the copy in the tokens (see `write_children`).
        sqlx::query("UPDATE patient_token SET archived = $1 WHERE patient_id = $2")
            .bind(archived).bind(id).execute(&mut *c).await.db()?;
        Ok::<u64, StorageError>(n)
    })?;
    if n == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

/// Ids and full names of other patients born on `birth_date` (candidates for the
/// duplicate warning; the caller compares names).
pub async fn born_on(tx: &mut Tx, birth_date: &str, except: i64) -> Result<Vec<SummaryRow>> {
    let sql = format!("SELECT {SUMMARY_COLS} FROM patient p WHERE p.birth_date = $1 AND p.id <> $2 ORDER BY p.id LIMIT 200");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(birth_date).bind(except).fetch_all(&mut *c).await.db())
}

/// Summary rows of the given ids (at most 100), in id order.
pub async fn by_ids(tx: &mut Tx, ids: &[i64]) -> Result<Vec<SummaryRow>> {
    let mut out = Vec::new();
    for id in ids.iter().take(100) {
        let sql = format!("SELECT {SUMMARY_COLS} FROM patient p WHERE p.id = $1");
        let row: Option<SummaryRow> =
            with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(*id).fetch_optional(&mut *c).await.db())?;
        out.extend(row);
    }
    Ok(out)
}

/// One word of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A folded name word (or digits): prefix of some token.
    Word(String),
    /// A cédula-like term: the canonical form lower-cased (`v12345678`, matched
    /// exactly) and its digits (prefix of a digits token, any type letter).
    Cedula { canonical: String, digits: String },
}

/// A search: terms, the canonical cédula for "exact cédula first" and whether to
/// include archived patients.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub terms: Vec<Term>,
    /// Upper-case canonical cédula (`V12345678`) when the query has one.
    pub exact_cedula: Option<String>,
    pub include_archived: bool,
}

/// The smallest string greater than every string starting with `prefix`
/// (last character incremented; `None` when no such bound exists).
pub fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = last as u32 + 1;
        while next <= char::MAX as u32 {
            if let Some(c) = char::from_u32(next) {
                chars.push(c);
                return Some(chars.into_iter().collect());
            }
            next += 1;
        }
    }
    None
}

fn param(binds: &mut Vec<String>, v: String) -> String {
    binds.push(v);
    format!("${}", binds.len())
}

fn range(binds: &mut Vec<String>, tok: &str, prefix: &str) -> String {
    let lo = param(binds, prefix.to_owned());
    match prefix_upper_bound(prefix) {
        Some(hi) => {
            let hi = param(binds, hi);
            format!("({tok} >= {lo} AND {tok} < {hi})")
        }
        None => format!("({tok} >= {lo})"),
    }
}

/// A page row with the total number of hits (computed in the same statement).
#[derive(sqlx::FromRow)]
struct Hit {
    #[sqlx(flatten)]
    row: SummaryRow,
    total: i64,
}

/// Paginated search (or list, when there are no terms). Returns the page and the total.
///
/// The list pages through the covering index `patient_list` first (a deferred join:
/// only the 20 ids of the page fetch their rows) and counts as "all minus archived"
/// (a b-tree count, not a scan).
///
/// One word (the common case: a surname matching thousands of patients) is served
/// from the covering index `patient_token_rank` alone — every token row carries its
/// patient's `sort_key` and `archived` (migration 0005) — and only the ids of the page
/// fetch their patient rows: the full-name matches (token equal to the word) come out
/// of the index already in `sort_key, id` order and are merged with the prefix-only
/// matches (usually few: grouped per patient, those with an equal token excluded).
///
/// Several words compute the candidate ids once (one indexed range per word,
/// intersected, usually few), rank and sort only those, fetch the rows of the page and
/// count the candidates, all in one statement.
pub async fn search(tx: &mut Tx, s: &Search, limit: i64, offset: i64) -> Result<(Vec<SummaryRow>, i64)> {
    if s.terms.is_empty() {
        return list(tx, s.include_archived, limit, offset).await;
    }
    let tok = match tx {
        Tx::Sqlite(_) => "token",
        Tx::Pg(_) => "token COLLATE \"C\"",
    };
    let mut binds: Vec<String> = Vec::new();
    let (rows_sql, count_sql, n_where) = match s.terms.as_slice() {
        [Term::Word(w)] if s.exact_cedula.is_none() => one_word(&mut binds, tok, w, s.include_archived),
        _ => several_terms(&mut binds, tok, s),
    };
    with_tx!(tx, c => {
        let mut q = sqlx::query_as::<_, Hit>(sqlx::AssertSqlSafe(rows_sql));
        for b in &binds {
            q = q.bind(b.clone());
        }
        let hits = q.bind(limit).bind(offset).fetch_all(&mut *c).await.db()?;
        let total = match hits.first() {
            Some(h) => h.total,
            None if offset == 0 => 0,
            None => {
                // A page past the end: the total still tells the client where the end is.
                let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql));
                for b in &binds[..n_where] {
                    q = q.bind(b.clone());
                }
                q.fetch_one(&mut *c).await.db()?
            }
        };
        Ok((hits.into_iter().map(|h| h.row).collect(), total))
    })
}

/// The statements of a one-word search (see [`search`]): the page (with the total),
/// the total alone and how many of `binds` the latter uses. Placeholders are numbered
/// in the order they appear; the page's LIMIT and OFFSET follow `binds`.
fn one_word(binds: &mut Vec<String>, tok: &str, w: &str, include_archived: bool) -> (String, String, usize) {
    let archived = if include_archived { "" } else { " AND archived = FALSE" };
    // Prefix-only matches: tokens strictly after the word within its range, of patients
    // without a token equal to the word.
    let lo = param(binds, w.to_owned());
    let hi = match prefix_upper_bound(w) {
        Some(hi) => format!(" AND {tok} < {}", param(binds, hi)),
        None => String::new(),
    };
    let ex = param(binds, w.to_owned());
    let ne = format!(
        "ne AS MATERIALIZED (SELECT t.patient_id AS id, MIN(t.sort_key) AS sk, 2 AS rk FROM patient_token t \
         WHERE t.{tok} > {lo}{hi}{archived} \
         AND NOT EXISTS (SELECT 1 FROM patient_token e WHERE e.token = {ex} AND e.patient_id = t.patient_id) \
         GROUP BY t.patient_id)"
    );
    let eq = param(binds, w.to_owned());
    let total = format!("(SELECT COUNT(*) FROM patient_token WHERE {tok} = {eq}{archived}) + (SELECT COUNT(*) FROM ne)");
    let n_where = binds.len();
    let eq = param(binds, w.to_owned());
    let (lim, off) = (binds.len() + 1, binds.len() + 2);
    let rows_sql = format!(
        "WITH {ne} SELECT {SUMMARY_COLS}, {total} AS total \
         FROM (SELECT patient_id AS id, sort_key AS sk, 1 AS rk FROM patient_token WHERE {tok} = {eq}{archived} \
               UNION ALL SELECT id, sk, rk FROM ne ORDER BY rk, sk, id LIMIT ${lim} OFFSET ${off}) s \
         JOIN patient p ON p.id = s.id ORDER BY s.rk, s.sk, s.id"
    );
    let count_sql = format!("WITH {ne} SELECT {total}");
    (rows_sql, count_sql, n_where)
}

/// The statements of a search of several terms (see [`one_word`]).
fn several_terms(binds: &mut Vec<String>, tok: &str, s: &Search) -> (String, String, usize) {
    let only_words = s.terms.iter().all(|t| matches!(t, Term::Word(_)));
    // The candidates `c(id)`: every word must match (the intersection of the per-word
    // id sets).
    let mut sets = Vec::new();
    for t in &s.terms {
        let cond = match t {
            Term::Word(w) => range(binds, tok, w),
            Term::Cedula { canonical, digits } => {
                let r = range(binds, tok, digits);
                let eq = param(binds, canonical.clone());
                format!("({r} OR token = {eq})")
            }
        };
        sets.push(format!("SELECT DISTINCT patient_id FROM patient_token WHERE {cond}"));
    }
    let cte = format!("c (id) AS ({})", sets.join(" INTERSECT "));
    // CROSS JOIN keeps SQLite from scanning the whole patient index and probing `c`.
    let archived = if s.include_archived { "" } else { " AND p.archived = FALSE" };
    let n_where = binds.len();
    let mut rank = Vec::new();
    if let Some(ced) = &s.exact_cedula {
        let p = param(binds, ced.clone());
        rank.push(format!("WHEN p.cedula = {p} THEN 0"));
    }
    if only_words {
        // Full-name match (every word equals a token), only evaluated for the
        // candidates: a point lookup per word.
        let mut exact = Vec::new();
        for t in &s.terms {
            if let Term::Word(w) = t {
                let eq = param(binds, w.clone());
                exact.push(format!(
                    "EXISTS (SELECT 1 FROM patient_token e WHERE e.token = {eq} AND e.patient_id = p.id)"
                ));
            }
        }
        rank.push(format!("WHEN {} THEN 1", exact.join(" AND ")));
    }
    let rk = if rank.is_empty() {
        "2".to_owned()
    } else {
        format!("CASE {} ELSE 2 END", rank.join(" "))
    };
    let (lim, off) = (binds.len() + 1, binds.len() + 2);
    let rows_sql = format!(
        "WITH {cte}, k AS MATERIALIZED (SELECT p.id, p.sort_key, {rk} AS rk FROM c CROSS JOIN patient p WHERE p.id = c.id{archived}) \
         SELECT {SUMMARY_COLS}, (SELECT COUNT(*) FROM k) AS total \
         FROM (SELECT id, rk, sort_key FROM k ORDER BY rk, sort_key, id LIMIT ${lim} OFFSET ${off}) s \
         JOIN patient p ON p.id = s.id ORDER BY s.rk, s.sort_key, s.id"
    );
    let count_sql = format!("WITH {cte} SELECT COUNT(*) FROM c CROSS JOIN patient p WHERE p.id = c.id{archived}");
    (rows_sql, count_sql, n_where)
}

/// The list by last name (no search terms): see [`search`].
async fn list(tx: &mut Tx, include_archived: bool, limit: i64, offset: i64) -> Result<(Vec<SummaryRow>, i64)> {
    let archived = if include_archived { "" } else { "WHERE archived = FALSE " };
    let rows_sql = format!(
        "SELECT {SUMMARY_COLS} FROM (SELECT id, sort_key FROM patient {archived}ORDER BY sort_key, id LIMIT $1 OFFSET $2) k \
         JOIN patient p ON p.id = k.id ORDER BY k.sort_key, k.id"
    );
    let count_sql = if include_archived {
        "SELECT COUNT(*) FROM patient"
    } else {
        "SELECT (SELECT COUNT(*) FROM patient) - (SELECT COUNT(*) FROM patient WHERE archived = TRUE)"
    };
    with_tx!(tx, c => {
        let rows: Vec<SummaryRow> = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
            .bind(limit).bind(offset).fetch_all(&mut *c).await.db()?;
        let total: i64 = if offset == 0 && (rows.len() as i64) < limit {
            rows.len() as i64
        } else {
            sqlx::query_scalar(count_sql).fetch_one(&mut *c).await.db()?
        };
        Ok((rows, total))
    })
}

#[cfg(test)]
mod tests {
    use super::prefix_upper_bound;

    #[test]
    fn upper_bound_increments_the_last_char() {
        assert_eq!(prefix_upper_bound("mar").as_deref(), Some("mas"));
        assert_eq!(prefix_upper_bound("12").as_deref(), Some("13"));
        assert_eq!(prefix_upper_bound("az").as_deref(), Some("a{"));
        assert_eq!(prefix_upper_bound(""), None);
    }
}
