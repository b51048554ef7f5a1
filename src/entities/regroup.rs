//! The document's distinct mention forms as a graph, kept across edits so that merging after an
//! edit regroups only the forms the edit can reach ([`super::staged::document_entities_reusing`]).
//!
//! A node is one distinct (folded key, kind) of the document's resolved mentions; two nodes are
//! joined when [`merge::may_join`] holds for them (the only pairs [`merge::group`] ever finds
//! compatible) or when a transliteration links a mention of one to a mention of the other. Every
//! entity lies inside one connected component, and grouping the items of a union of components
//! gives the same groups as grouping the whole document (see [`merge::may_join`]). After an
//! edit, the components holding a form that was removed or added are found here
//! ([`Graph::closure`]); every other entity is the previous one.
//!
//! Nodes are never removed: a form no longer written keeps its node (with no mention) until
//! the graph is rebuilt ([`Graph::stale`] counts them). Such a node can only join components
//! that are apart, which makes a closure larger, never wrong.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::merge::{self, Item};
use super::{EntityKind, Mention, MentionOrigin};
use crate::text::Span;

/// One distinct form: what [`merge::may_join`] reads of a mention, and how many of the
/// document's mentions have it now.
#[derive(Debug)]
struct Node {
    key: String,
    kind: EntityKind,
    parts: Vec<String>,
    joined: String,
    distinctive: bool,
    mentions: usize,
}

impl Node {
    fn item(&self) -> Item<'_> {
        Item {
            mention: Mention {
                span: Span::new(0, 0),
                kind: self.kind,
                origin: MentionOrigin::Rule,
            },
            key: &self.key,
            parts: &self.parts,
            joined: &self.joined,
            distinctive: self.distinctive,
        }
    }
}

/// The forms graph (see the module documentation). Node ids are `u32` indices, stable for the
/// graph's life.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    nodes: Vec<Node>,
    /// Key → the nodes of that key (one per kind).
    ids: HashMap<String, Vec<(EntityKind, u32)>>,
    /// Name part → the nodes having it.
    by_part: HashMap<String, Vec<u32>>,
    /// Joined key → the nodes having it.
    by_joined: HashMap<String, Vec<u32>>,
    /// (first letter, length in chars) → the distinct parts of five letters or more, with their
    /// [`merge::letter_bits`]: every [`merge::same_part`] variant of a part is in the buckets of
    /// its first letter and lengths within two.
    fuzzy: HashMap<(char, usize), Vec<(String, u64)>>,
    /// Node → the nodes its mentions are linked to by transliterations, once per link.
    links: HashMap<u32, Vec<u32>>,
    /// Nodes with no mention.
    stale: usize,
}

impl Graph {
    /// Counts one more mention of `item`'s form, adding its node when new; returns the node.
    pub fn add(&mut self, item: &Item<'_>) -> u32 {
        let kind = item.mention.kind;
        if let Some(same) = self.ids.get(item.key)
            && let Some(&(_, id)) = same.iter().find(|(k, _)| *k == kind)
        {
            let node = &mut self.nodes[id as usize];
            if node.mentions == 0 {
                self.stale -= 1;
            }
            node.mentions += 1;
            return id;
        }
        let id = self.nodes.len() as u32;
        self.ids
            .entry(item.key.to_string())
            .or_default()
            .push((kind, id));
        for part in item.parts {
            let nodes = self.by_part.entry(part.clone()).or_default();
            if nodes.is_empty() {
                let n = part.chars().count();
                if n >= 5
                    && let Some(c) = part.chars().next()
                {
                    let bits = merge::letter_bits(part);
                    self.fuzzy
                        .entry((c, n))
                        .or_default()
                        .push((part.clone(), bits));
                }
            }
            if !nodes.contains(&id) {
                nodes.push(id);
            }
        }
        self.by_joined
            .entry(item.joined.to_string())
            .or_default()
            .push(id);
        self.nodes.push(Node {
            key: item.key.to_string(),
            kind,
            parts: item.parts.to_vec(),
            joined: item.joined.to_string(),
            distinctive: item.distinctive,
            mentions: 1,
        });
        id
    }

    /// Counts one mention of `node` less.
    pub fn remove(&mut self, node: u32) {
        let node = &mut self.nodes[node as usize];
        node.mentions -= 1;
        if node.mentions == 0 {
            self.stale += 1;
        }
    }

    /// Records a transliteration link between mentions of `a` and `b`.
    pub fn link(&mut self, a: u32, b: u32) {
        self.links.entry(a).or_default().push(b);
        self.links.entry(b).or_default().push(a);
    }

    /// Forgets one link recorded by [`Graph::link`]`(a, b)`.
    pub fn unlink(&mut self, a: u32, b: u32) {
        for (x, y) in [(a, b), (b, a)] {
            if let Some(list) = self.links.get_mut(&x)
                && let Some(at) = list.iter().position(|&n| n == y)
            {
                list.swap_remove(at);
            }
        }
    }

    /// Number of nodes, with or without mentions.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Number of nodes with no mention left.
    pub fn stale(&self) -> usize {
        self.stale
    }

    /// Whether the node has no name part (such a person form may join any person: callers
    /// merge the whole document instead).
    pub fn has_no_part(&self, node: u32) -> bool {
        self.nodes[node as usize].parts.is_empty()
    }

    /// The nodes connected to any of `seeds` (seeds included), as a flag per node.
    pub fn closure(&self, seeds: impl IntoIterator<Item = u32>) -> Vec<bool> {
        let mut reached = vec![false; self.nodes.len()];
        let mut stack: Vec<u32> = Vec::new();
        for s in seeds {
            if !std::mem::replace(&mut reached[s as usize], true) {
                stack.push(s);
            }
        }
        let mut candidates: HashSet<u32> = HashSet::default();
        while let Some(a) = stack.pop() {
            let node = &self.nodes[a as usize];
            candidates.clear();
            for part in &node.parts {
                for variant in self.variants(part) {
                    if let Some(nodes) = self.by_part.get(variant) {
                        candidates.extend(nodes.iter().copied());
                    }
                }
            }
            if let Some(nodes) = self.by_joined.get(&node.joined) {
                candidates.extend(nodes.iter().copied());
            }
            let item = node.item();
            for &b in &candidates {
                if !reached[b as usize] && merge::may_join(&item, &self.nodes[b as usize].item()) {
                    reached[b as usize] = true;
                    stack.push(b);
                }
            }
            for &b in self.links.get(&a).into_iter().flatten() {
                if !std::mem::replace(&mut reached[b as usize], true) {
                    stack.push(b);
                }
            }
        }
        reached
    }

    /// `part` and the indexed parts that are the same name up to spelling ([`merge::same_part`]).
    fn variants<'s>(&'s self, part: &'s str) -> impl Iterator<Item = &'s str> + 's {
        let n = part.chars().count();
        let first = part.chars().next().filter(|_| n >= 5);
        let bits = merge::letter_bits(part);
        let fuzzy = first.into_iter().flat_map(move |c| {
            (n.saturating_sub(2).max(5)..=n + 2)
                .filter_map(move |len| self.fuzzy.get(&(c, len)))
                .flatten()
                .filter(move |(p, b)| {
                    (bits ^ b).count_ones() <= 4 && p != part && merge::same_part(part, p)
                })
                .map(|(p, _)| p.as_str())
        });
        std::iter::once(part).chain(fuzzy)
    }
}
