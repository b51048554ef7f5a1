//! BIO2 labels over the four CoNLL types, with a dense index `0..NUM_LABELS` used by the model.

use crate::entities::EntityKind;

/// Number of labels: `O` plus `B-`/`I-` for PER, LOC, ORG, MISC.
pub const NUM_LABELS: usize = 9;

/// The entity types in index order (`B-` of type `k` is `1 + 2k`, `I-` is `2 + 2k`).
pub const KINDS: [EntityKind; 4] = [
    EntityKind::Person,
    EntityKind::Location,
    EntityKind::Organization,
    EntityKind::Misc,
];

/// A BIO2 label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Label {
    /// Outside any entity.
    O,
    /// First token of an entity.
    B(EntityKind),
    /// Continuation of an entity of the same type.
    I(EntityKind),
}

fn kind_index(kind: EntityKind) -> usize {
    match kind {
        EntityKind::Person => 0,
        EntityKind::Location => 1,
        EntityKind::Organization => 2,
        EntityKind::Misc => 3,
    }
}

impl Label {
    /// Dense index in `0..NUM_LABELS`.
    pub fn index(self) -> usize {
        match self {
            Label::O => 0,
            Label::B(k) => 1 + 2 * kind_index(k),
            Label::I(k) => 2 + 2 * kind_index(k),
        }
    }

    /// Inverse of [`Label::index`]. Panics if `i >= NUM_LABELS`.
    pub fn from_index(i: usize) -> Label {
        match i {
            0 => Label::O,
            i if i % 2 == 1 => Label::B(KINDS[(i - 1) / 2]),
            i => Label::I(KINDS[(i - 2) / 2]),
        }
    }

    /// The entity type, `None` for `O`.
    pub fn kind(self) -> Option<EntityKind> {
        match self {
            Label::O => None,
            Label::B(k) | Label::I(k) => Some(k),
        }
    }

    /// Parses a BIO tag (`O`, `B-PER`, `I-PERS`, `B-GPE`…). Returns the label and whether its
    /// type was one of the four known types (`false` → read as `O`).
    pub fn parse_tag(tag: &str) -> (Label, bool) {
        if tag == "O" {
            return (Label::O, true);
        }
        let (prefix, ty) = match tag.split_once('-') {
            Some(p) => p,
            None => return (Label::O, false),
        };
        match (prefix, EntityKind::from_bio_type(ty)) {
            ("B", Some(k)) => (Label::B(k), true),
            ("I", Some(k)) => (Label::I(k), true),
            _ => (Label::O, false),
        }
    }

    /// True when `next` may follow `self` in a well-formed BIO2 sequence (`I-X` only after
    /// `B-X` or `I-X`).
    pub fn allows(self, next: Label) -> bool {
        match next {
            Label::I(k) => self.kind() == Some(k),
            _ => true,
        }
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Label::O => f.write_str("O"),
            Label::B(k) => write!(f, "B-{}", k.bio_type()),
            Label::I(k) => write!(f, "I-{}", k.bio_type()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_round_trips_and_display() {
        for i in 0..NUM_LABELS {
            assert_eq!(Label::from_index(i).index(), i);
        }
        assert_eq!(Label::from_index(3).to_string(), "B-LOC");
        assert_eq!(Label::from_index(8).to_string(), "I-MISC");
        assert!(!Label::O.allows(Label::I(EntityKind::Person)));
        assert!(Label::B(EntityKind::Person).allows(Label::I(EntityKind::Person)));
        assert!(!Label::B(EntityKind::Location).allows(Label::I(EntityKind::Person)));
    }
}
