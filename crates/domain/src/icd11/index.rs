//! In-memory ICD-11 search (spec §6.4).
//!
//! Layout, chosen to stay small while resident (≈ 4 MB for the 37,050-row MMS):
//! titles and codes live in two concatenated strings with `u32` end offsets, per-entity
//! facts in a 16-byte record; the title words form a sorted vocabulary (one string plus
//! offsets) with `u32` posting lists. A query word is a *prefix*: binary search gives the
//! contiguous range of vocabulary words starting with it, whose postings are counted
//! per entity. Codes are searched by binary search over the entities sorted by code.
//!
//! Ranking: exact code, then code prefix (shorter codes first, then code order), then
//! titles matching every query word (by a precomputed order: shorter titles first, leaf
//! categories before the rest, selectable before not, then input order), then titles
//! matching only some words (more matched words first, then the same order).

use std::collections::HashMap;

use super::{ClassKind, Icd11Row, words};

/// Most query words considered; the rest are ignored.
const MAX_QUERY_WORDS: usize = 32;
/// Longest query treated as a code or code prefix (`1A11.ZZ` is 7).
const MAX_CODE_QUERY: usize = 8;

/// What the index needs about one entity. `id` is opaque to the index (e.g. a row id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub id: i64,
    /// A real code, upper case; `None` (or empty) when the entity has none.
    pub code: Option<String>,
    pub title: String,
    pub class_kind: ClassKind,
    pub chapter_no: String,
    pub is_leaf: bool,
    pub is_residual: bool,
    /// Spec §6.3, usually `Icd11Row::is_selectable(active)`.
    pub selectable: bool,
}

impl IndexEntry {
    /// Entry for a parsed row; `active` is false for retired entities.
    pub fn from_row(id: i64, row: &Icd11Row, active: bool) -> Self {
        Self {
            id,
            code: row.code.clone(),
            title: row.title.clone(),
            class_kind: row.class_kind,
            chapter_no: row.chapter_no.clone(),
            is_leaf: row.is_leaf,
            is_residual: row.is_residual,
            selectable: row.is_selectable(active),
        }
    }
}

/// A borrowed view of an indexed entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef<'a> {
    pub id: i64,
    pub code: Option<&'a str>,
    pub title: &'a str,
    pub class_kind: ClassKind,
    pub chapter_no: &'a str,
    pub is_leaf: bool,
    pub is_residual: bool,
    pub selectable: bool,
}

/// Why a hit matched; hits come out in this order (derived `Ord`: best first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchRank {
    /// The query is the entity's code (`ba00` → `BA00`).
    ExactCode,
    /// The entity's code starts with the query (`BA0` → `BA00`, `BA01`…).
    CodePrefix,
    /// Every query word is a prefix of a word of the title.
    AllWords,
    /// Only `matched` of the `of` query words are prefixes of title words.
    /// (`missing` first so that the derived order puts more matched words first.)
    SomeWords { missing: u8, matched: u8, of: u8 },
}

/// One search result: `entity` is the position in the entries the index was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchHit {
    pub entity: usize,
    pub rank: MatchRank,
}

const LEAF: u8 = 1;
const RESIDUAL: u8 = 2;
const SELECTABLE: u8 = 4;

#[derive(Debug, Clone, Copy)]
struct Meta {
    id: i64,
    /// Title length in characters (saturated).
    title_chars: u16,
    /// Index into `chapters`.
    chapter: u16,
    kind: ClassKind,
    flags: u8,
}

/// Concatenated strings addressed by `u32` end offsets.
#[derive(Debug, Clone, Default)]
struct Strings {
    text: String,
    ends: Vec<u32>,
}

impl Strings {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }
    fn get(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).map_or(0, |&e| e as usize)
        };
        let end = self.ends.get(i).map_or(start, |&e| e as usize);
        self.text.get(start..end).unwrap_or("")
    }
    fn len(&self) -> usize {
        self.ends.len()
    }
    fn shrink(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
    fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4
    }
}

/// The resident search index. Build once per imported release with [`Icd11Index::new`].
#[derive(Debug, Clone, Default)]
pub struct Icd11Index {
    meta: Vec<Meta>,
    titles: Strings,
    codes: Strings,
    chapters: Vec<Box<str>>,
    /// Entities that have a code, sorted by code.
    by_code: Vec<u32>,
    /// Per entity: its place in the title-tier tie-break order.
    title_order: Vec<u32>,
    /// Sorted distinct title words.
    vocab: Strings,
    /// Posting lists (ascending entity positions), one per vocabulary word.
    postings: Vec<u32>,
    posting_ends: Vec<u32>,
}

impl Icd11Index {
    /// Builds the index; entity `i` of the result is the `i`-th entry given.
    pub fn new(entries: impl IntoIterator<Item = IndexEntry>) -> Self {
        let mut ix = Icd11Index::default();
        let mut chapter_ids: HashMap<String, u16> = HashMap::new();
        let mut word_postings: HashMap<String, Vec<u32>> = HashMap::new();

        for (i, e) in entries.into_iter().enumerate() {
            let pos = u32::try_from(i).unwrap_or(u32::MAX);
            let code = e.code.as_deref().map(str::trim).unwrap_or("").to_ascii_uppercase();
            ix.codes.push(&code);
            ix.titles.push(&e.title);
            let next = u16::try_from(chapter_ids.len()).unwrap_or(u16::MAX);
            let chapter = *chapter_ids.entry(e.chapter_no.clone()).or_insert_with(|| {
                ix.chapters.push(e.chapter_no.clone().into_boxed_str());
                next
            });
            let flags = (if e.is_leaf { LEAF } else { 0 })
                | (if e.is_residual { RESIDUAL } else { 0 })
                | (if e.selectable { SELECTABLE } else { 0 });
            ix.meta.push(Meta {
                id: e.id,
                title_chars: u16::try_from(e.title.chars().count()).unwrap_or(u16::MAX),
                chapter,
                kind: e.class_kind,
                flags,
            });
            for w in words(&e.title) {
                let list = word_postings.entry(w).or_default();
                if list.last() != Some(&pos) {
                    list.push(pos);
                }
            }
        }

        let mut vocab: Vec<(String, Vec<u32>)> = word_postings.into_iter().collect();
        vocab.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        ix.postings.reserve_exact(vocab.iter().map(|(_, p)| p.len()).sum());
        ix.posting_ends.reserve_exact(vocab.len());
        for (w, list) in vocab {
            ix.vocab.push(&w);
            ix.postings.extend_from_slice(&list);
            ix.posting_ends.push(u32::try_from(ix.postings.len()).unwrap_or(u32::MAX));
        }

        let n = ix.meta.len();
        let mut by_code: Vec<u32> = (0..n).filter(|&i| !ix.codes.get(i).is_empty()).map(to_u32).collect();
        by_code.sort_by(|&a, &b| ix.codes.get(a as usize).cmp(ix.codes.get(b as usize)).then(a.cmp(&b)));
        ix.by_code = by_code;

        let mut order: Vec<u32> = (0..n).map(to_u32).collect();
        order.sort_by_key(|&i| {
            let m = &ix.meta[i as usize];
            let leaf_category = m.kind == ClassKind::Category && m.flags & LEAF != 0;
            (m.title_chars, !leaf_category, m.flags & SELECTABLE == 0, i)
        });
        ix.title_order = vec![0; n];
        for (place, &i) in order.iter().enumerate() {
            ix.title_order[i as usize] = to_u32(place);
        }

        ix.meta.shrink_to_fit();
        ix.titles.shrink();
        ix.codes.shrink();
        ix.vocab.shrink();
        ix.chapters.shrink_to_fit();
        ix
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.meta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// Entity `i` (a [`SearchHit::entity`]).
    pub fn entry(&self, i: usize) -> Option<EntryRef<'_>> {
        let m = self.meta.get(i)?;
        let code = self.codes.get(i);
        Some(EntryRef {
            id: m.id,
            code: (!code.is_empty()).then_some(code),
            title: self.titles.get(i),
            class_kind: m.kind,
            chapter_no: self.chapters.get(m.chapter as usize).map_or("", |c| c),
            is_leaf: m.flags & LEAF != 0,
            is_residual: m.flags & RESIDUAL != 0,
            selectable: m.flags & SELECTABLE != 0,
        })
    }

    /// Position of the entity with exactly this code (case-insensitive).
    pub fn find_code(&self, code: &str) -> Option<usize> {
        let code = code.trim().to_ascii_uppercase();
        let (lo, hi) = self.code_prefix_range(code.as_bytes());
        self.by_code[lo..hi]
            .iter()
            .map(|&e| e as usize)
            .find(|&e| self.codes.get(e) == code)
    }

    /// Approximate heap bytes held by the index.
    pub fn heap_bytes(&self) -> usize {
        self.meta.capacity() * std::mem::size_of::<Meta>()
            + self.titles.heap_bytes()
            + self.codes.heap_bytes()
            + self.vocab.heap_bytes()
            + self
                .chapters
                .iter()
                .map(|c| c.len() + std::mem::size_of::<Box<str>>())
                .sum::<usize>()
            + (self.by_code.capacity() + self.title_order.capacity() + self.postings.capacity() + self.posting_ends.capacity()) * 4
    }

    /// Best `limit` hits for `query`, best first (see the module docs for the order).
    /// An empty or blank query gives nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let query = query.trim();
        let mut hits = Vec::new();
        if query.is_empty() || limit == 0 {
            return hits;
        }
        self.search_codes(query, limit, &mut hits);
        if hits.len() < limit {
            self.search_words(query, limit, &mut hits);
        }
        hits
    }

    /// Tiers 1 and 2: a single token made of code characters.
    fn search_codes(&self, query: &str, limit: usize, hits: &mut Vec<SearchHit>) {
        if query.len() > MAX_CODE_QUERY || !query.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') {
            return;
        }
        let q = query.to_ascii_uppercase();
        let (lo, hi) = self.code_prefix_range(q.as_bytes());
        let range = &self.by_code[lo..hi];
        // Sorted by code, so an exact match is first in the range.
        let mut rest = range;
        while let Some((&e, tail)) = rest.split_first() {
            if self.codes.get(e as usize).len() != q.len() {
                break;
            }
            hits.push(SearchHit {
                entity: e as usize,
                rank: MatchRank::ExactCode,
            });
            rest = tail;
        }
        let room = limit.saturating_sub(hits.len());
        if room == 0 || rest.is_empty() {
            hits.truncate(limit);
            return;
        }
        // Shorter codes first, then code order (= position in `rest`).
        let mut keyed: Vec<(u64, u32)> = rest
            .iter()
            .enumerate()
            .map(|(pos, &e)| ((self.codes.get(e as usize).len() as u64) << 32 | pos as u64, e))
            .collect();
        take_best(&mut keyed, room);
        hits.extend(keyed.iter().map(|&(_, e)| SearchHit {
            entity: e as usize,
            rank: MatchRank::CodePrefix,
        }));
    }

    /// Tiers 3 and 4: title words.
    fn search_words(&self, query: &str, limit: usize, hits: &mut Vec<SearchHit>) {
        let mut qwords = words(query);
        qwords.truncate(MAX_QUERY_WORDS);
        let mut seen = std::collections::HashSet::new();
        qwords.retain(|w| seen.insert(w.clone()));
        if qwords.is_empty() {
            return;
        }
        let n = self.meta.len();
        let nwords = qwords.len();
        // `stamp[e]`: last query word (1-based) that matched e; `count[e]`: words matched.
        let mut stamp = vec![0u8; n];
        let mut count = vec![0u8; n];
        let mut touched: Vec<u32> = Vec::new();
        for (wi, w) in qwords.iter().enumerate() {
            let mark = u8::try_from(wi + 1).unwrap_or(u8::MAX);
            let (lo, hi) = self.word_prefix_range(w);
            let start = if lo == 0 { 0 } else { self.posting_ends[lo - 1] as usize };
            let end = if hi == 0 { 0 } else { self.posting_ends[hi - 1] as usize };
            for &e in &self.postings[start..end] {
                let e = e as usize;
                if stamp[e] != mark {
                    if stamp[e] == 0 {
                        touched.push(to_u32(e));
                    }
                    stamp[e] = mark;
                    count[e] += 1;
                }
            }
        }
        // Entities already listed by code are not repeated.
        for h in hits.iter() {
            if let Some(s) = stamp.get_mut(h.entity) {
                *s = 0;
                count[h.entity] = 0;
            }
        }
        let room = limit.saturating_sub(hits.len());
        let mut keyed: Vec<(u64, u32)> = touched
            .into_iter()
            .filter(|&e| count[e as usize] > 0)
            .map(|e| {
                let missing = (nwords - count[e as usize] as usize) as u64;
                (missing << 32 | u64::from(self.title_order[e as usize]), e)
            })
            .collect();
        take_best(&mut keyed, room);
        let of = u8::try_from(nwords).unwrap_or(u8::MAX);
        hits.extend(keyed.iter().map(|&(_, e)| {
            let matched = count[e as usize];
            let rank = if matched == of {
                MatchRank::AllWords
            } else {
                MatchRank::SomeWords {
                    missing: of - matched,
                    matched,
                    of,
                }
            };
            SearchHit { entity: e as usize, rank }
        }));
    }

    /// Range of `by_code` whose codes start with `prefix`.
    fn code_prefix_range(&self, prefix: &[u8]) -> (usize, usize) {
        let code = |i: usize| self.codes.get(self.by_code[i] as usize).as_bytes();
        let lo = partition(0, self.by_code.len(), |i| code(i) < prefix);
        let hi = partition(lo, self.by_code.len(), |i| code(i).starts_with(prefix));
        (lo, hi)
    }

    /// Range of vocabulary words starting with `prefix`.
    fn word_prefix_range(&self, prefix: &str) -> (usize, usize) {
        let n = self.vocab.len();
        let lo = partition(0, n, |i| self.vocab.get(i) < prefix);
        let hi = partition(lo, n, |i| self.vocab.get(i).starts_with(prefix));
        (lo, hi)
    }
}

/// First index in `lo..hi` where `pred` turns false (`pred` true then false over the range).
fn partition(mut lo: usize, mut hi: usize, pred: impl Fn(usize) -> bool) -> usize {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Keeps the `k` smallest keys, sorted.
fn take_best(keyed: &mut Vec<(u64, u32)>, k: usize) {
    if keyed.len() > k {
        if k == 0 {
            keyed.clear();
            return;
        }
        keyed.select_nth_unstable(k - 1);
        keyed.truncate(k);
    }
    keyed.sort_unstable();
}

fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::icd11::{NO_CODE_ASSIGNED, is_selectable};

    fn entry(id: i64, code: &str, title: &str, kind: ClassKind, chapter: &str, leaf: bool) -> IndexEntry {
        let code = (!code.is_empty() && code != NO_CODE_ASSIGNED).then(|| code.to_string());
        IndexEntry {
            id,
            selectable: is_selectable(kind, code.as_deref(), chapter, true),
            code,
            title: title.into(),
            class_kind: kind,
            chapter_no: chapter.into(),
            is_leaf: leaf,
            is_residual: title.ends_with("unspecified") || title.starts_with("Other specified"),
        }
    }

    fn sample() -> Icd11Index {
        use ClassKind::*;
        Icd11Index::new(vec![
            entry(1, "", "Certain infectious or parasitic diseases", Chapter, "01", false),
            entry(2, "", "Bacterial foodborne intoxications", Block, "01", false),
            entry(
                3,
                NO_CODE_ASSIGNED,
                "Foodborne Vibrio vulnificus intoxication",
                Category,
                "01",
                true,
            ),
            entry(4, "1A11", "Botulism", Category, "01", false),
            entry(5, "1A11.0", "Foodborne intoxication by botulinum toxin", Category, "01", true),
            entry(6, "1A11.Z", "Botulism, unspecified", Category, "01", true),
            entry(7, "1A1Y", "Other specified bacterial foodborne intoxications", Category, "01", true),
            entry(8, "1A00", "Cholera", Category, "01", true),
            entry(9, "", "Diabetes mellitus", Block, "05", false),
            entry(10, "5A10", "Type 1 diabetes mellitus", Category, "05", true),
            entry(11, "5A11", "Type 2 diabetes mellitus", Category, "05", true),
            entry(12, "5A14", "Diabetes mellitus, type unspecified", Category, "05", true),
            entry(13, "", "Diseases of the circulatory system", Chapter, "11", false),
            entry(14, "BA00", "Essential hypertension", Category, "11", false),
            entry(15, "BA00.Z", "Essential hypertension, unspecified", Category, "11", true),
            entry(16, "BA01", "Hypertensive heart disease", Category, "11", false),
            entry(17, "BA0Z", "Hypertensive disease, unspecified", Category, "11", true),
            entry(18, "8A00", "Parkinsonism", Category, "08", false),
            entry(19, "8B10", "Ménière disease", Category, "08", true),
            entry(20, "XS8H", "Mild", Category, "X", true),
            entry(
                21,
                "XJ8HG",
                "Burns classified according to extent of body surface involved",
                Block,
                "X",
                false,
            ),
            entry(22, "6D80", "Dementia due to Alzheimer’s disease", Category, "06", true),
        ])
    }

    fn ids(ix: &Icd11Index, hits: &[SearchHit]) -> Vec<i64> {
        hits.iter().map(|h| ix.entry(h.entity).unwrap().id).collect()
    }

    #[test]
    fn empty_query_gives_nothing() {
        let ix = sample();
        assert!(ix.search("", 10).is_empty());
        assert!(ix.search("   \t ", 10).is_empty());
        assert!(ix.search(" , - ", 10).is_empty());
        assert!(ix.search("diabetes", 0).is_empty());
        assert!(Icd11Index::new(Vec::new()).search("x", 5).is_empty());
    }

    #[test]
    fn exact_code_first_then_prefix() {
        let ix = sample();
        let hits = ix.search("ba00", 10);
        assert_eq!(hits[0].rank, MatchRank::ExactCode);
        assert_eq!(ix.entry(hits[0].entity).unwrap().code, Some("BA00"));
        assert_eq!(hits[1].rank, MatchRank::CodePrefix);
        assert_eq!(ix.entry(hits[1].entity).unwrap().code, Some("BA00.Z"));
        assert_eq!(ids(&ix, &ix.search("1A00", 10))[0], 8);

        // Code prefix: shorter codes first, then code order.
        let hits = ix.search("BA0", 10);
        let codes: Vec<_> = hits.iter().map(|h| ix.entry(h.entity).unwrap().code.unwrap()).collect();
        assert_eq!(codes, ["BA00", "BA01", "BA0Z", "BA00.Z"]);
        assert!(hits.iter().all(|h| h.rank == MatchRank::CodePrefix));

        let hits = ix.search("1a1", 10);
        let codes: Vec<_> = hits.iter().map(|h| ix.entry(h.entity).unwrap().code.unwrap()).collect();
        assert_eq!(codes, ["1A11", "1A1Y", "1A11.0", "1A11.Z"]);
        assert_eq!(ix.search("1A1", 2).len(), 2);
    }

    #[test]
    fn residual_code_is_exact_and_selectable() {
        let ix = sample();
        let hits = ix.search("1a11.z", 5);
        assert_eq!(hits[0].rank, MatchRank::ExactCode);
        let e = ix.entry(hits[0].entity).unwrap();
        assert_eq!(e.code, Some("1A11.Z"));
        assert!(e.selectable && e.is_residual);
        let y = ix.entry(ix.find_code("1a1y").unwrap()).unwrap();
        assert!(y.selectable && y.is_residual);
        assert_eq!(ix.find_code("1A1"), None);
    }

    #[test]
    fn word_prefixes_any_order_accents() {
        let ix = sample();
        for q in ["diab mell", "mell diab", "DIABÉTES", "diabétes mellitus", "  Diabetes   Mellitus "] {
            let hits = ix.search(q, 10);
            let got = ids(&ix, &hits);
            // Shortest title first (the block), then leaf categories by title length.
            assert_eq!(&got[..4], [9, 10, 11, 12], "query {q:?}");
            assert!(hits[..4].iter().all(|h| h.rank == MatchRank::AllWords), "{q}: {hits:?}");
        }
        assert_eq!(ids(&ix, &ix.search("meniere", 5)), [19]);
        assert_eq!(ids(&ix, &ix.search("alzheimer's", 5)), [22]);
        assert_eq!(ids(&ix, &ix.search("alzheimer", 5)), [22]);
    }

    #[test]
    fn partial_matches_after_full_ones() {
        let ix = sample();
        let hits = ix.search("type 2 diabetes", 20);
        assert_eq!(ids(&ix, &hits[..1]), [11]);
        assert_eq!(hits[0].rank, MatchRank::AllWords);
        // Then the entries with two of three words.
        assert_eq!(
            hits[1].rank,
            MatchRank::SomeWords {
                missing: 1,
                matched: 2,
                of: 3
            }
        );
        let two: Vec<i64> = ids(&ix, &hits[1..3]);
        assert_eq!(two, [10, 12]);
        let mut ranks: Vec<MatchRank> = hits.iter().map(|h| h.rank).collect();
        let sorted = {
            let mut r = ranks.clone();
            r.sort();
            r
        };
        assert_eq!(ranks, sorted, "ranks are non-decreasing");
        ranks.dedup();
        assert!(ranks.contains(&MatchRank::SomeWords {
            missing: 2,
            matched: 1,
            of: 3
        }));
        // Nothing matches at all.
        assert!(ix.search("zzzz qqqq", 10).is_empty());
    }

    #[test]
    fn leaf_and_selectable_break_ties() {
        use ClassKind::*;
        let ix = Icd11Index::new(vec![
            entry(1, "", "Acne", Block, "14", false),
            entry(2, "ED80", "Acne", Category, "14", false),
            entry(3, "ED81", "Acne", Category, "14", true),
            entry(4, NO_CODE_ASSIGNED, "Acne", Category, "14", true),
        ]);
        assert_eq!(ids(&ix, &ix.search("acne", 10)), [3, 4, 2, 1]);
    }

    #[test]
    fn non_selectable_rows_are_marked() {
        let ix = sample();
        let e = |code: &str| ix.entry(ix.find_code(code).unwrap()).unwrap();
        assert!(!e("XS8H").selectable, "extension code");
        assert!(!e("XJ8HG").selectable, "block with an extension code");
        assert!(e("BA00").selectable, "non-leaf category with a code");
        let vibrio = ix.search("vibrio", 5);
        let v = ix.entry(vibrio[0].entity).unwrap();
        assert_eq!(v.code, None);
        assert!(!v.selectable, "_NOCODEASSIGNED");
        let block = ix.entry(ix.search("bacterial foodborne", 5)[0].entity).unwrap();
        assert_eq!(block.class_kind, ClassKind::Block);
        assert!(!block.selectable);
        assert_eq!(block.chapter_no, "01");
    }

    #[test]
    fn code_hits_are_not_repeated_as_word_hits() {
        let ix = sample();
        // "2" is a code-prefix query (no code starts with 2 here) and a title word.
        assert_eq!(ids(&ix, &ix.search("2", 10)), [11]);
        let hits = ix.search("8a00", 10);
        assert_eq!(hits.len(), 1);
        let mut seen = std::collections::HashSet::new();
        for h in ix.search("b", 50) {
            assert!(seen.insert(h.entity), "duplicate {h:?}");
        }
    }

    #[test]
    fn limit_is_respected() {
        let ix = sample();
        assert_eq!(ix.search("d", 3).len(), 3);
        assert_eq!(ix.search("ba0", 1).len(), 1);
        assert!(ix.heap_bytes() > 0);
        assert_eq!(ix.len(), 22);
    }
}
