//! Recipient domains and remote hosts per code, admitted to their capped
//! tables in the order the lines came in. Each chunk lists its events'
//! names in order; the lists are applied chunk after chunk, so which names
//! fit under the caps (and how many events go to `other`) is what one
//! pass over the whole input gives, whatever the number of threads and
//! however the chunks were shared out.

use std::collections::BTreeMap;

use super::{CodeKey, Map, NAMES_HELD, NAMES_PER_CODE, Name};

/// Which table a name goes to: a code's (`None`: failures without a
/// code), for recipient domains or for remote hosts.
pub type Slot = (Option<CodeKey>, Field);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Domain,
    Remote,
}

/// The names of one chunk's events, in the order the events came,
/// lower-cased into one buffer: no table lookup while the chunk is
/// scanned, one per event when the chunk's turn comes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChunkNames {
    bytes: Vec<u8>,
    /// Each event's slot and the end of its name in `bytes`.
    events: Vec<(Slot, u32)>,
}

impl ChunkNames {
    /// Notes one event of `name` (compared without regard to ASCII case).
    pub fn count(&mut self, slot: Slot, name: &[u8]) {
        if name.is_empty() || name.len() > 255 {
            return;
        }
        let start = self.bytes.len();
        self.bytes.extend_from_slice(name);
        // Names are nearly always lower case already.
        if super::has_upper(name) {
            self.bytes[start..].make_ascii_lowercase();
        }
        self.events.push((slot, self.bytes.len() as u32));
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Each event's slot and name, in order.
    pub fn iter(&self) -> impl Iterator<Item = (Slot, &[u8])> + '_ {
        let mut start = 0;
        self.events.iter().map(move |&(slot, end)| {
            let name = &self.bytes[start..end as usize];
            start = end as usize;
            (slot, name)
        })
    }

    /// Empties this for the next chunk, keeping its room.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.events.clear();
    }
}

/// Adds `n` events of `name` to a table: to its count when the table has
/// it, as a new entry while the table and the budget of names `held`
/// have room, else to `other`.
pub fn admit(table: &mut Map<Name, u64>, other: &mut u64, name: &[u8], n: u64, held: &mut usize) {
    if let Some(c) = table.get_mut(name) {
        *c += n;
    } else if table.len() >= NAMES_PER_CODE || *held >= NAMES_HELD {
        *other += n;
    } else {
        table.insert(Name::from_slice(name), n);
        *held += 1;
    }
}

/// The name tables of a run whose chunks are scanned by several workers:
/// each chunk's names, handed in as it is done, are applied in chunk order.
#[derive(Debug, Default)]
pub struct Ledger {
    /// The chunk whose names come next.
    next: u64,
    /// Chunks done before their turn.
    parked: BTreeMap<u64, ChunkNames>,
    pub tables: OrderedNames,
}

/// Name tables filled in input order, for installing into a summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderedNames {
    pub tables: Map<Slot, (Map<Name, u64>, u64)>,
    held: usize,
}

impl OrderedNames {
    fn apply(&mut self, names: &mut ChunkNames) {
        let OrderedNames { tables, held } = self;
        for (slot, name) in names.iter() {
            let (table, other) = tables.entry(slot).or_default();
            admit(table, other, name, 1, held);
        }
        names.clear();
    }
}

impl Ledger {
    /// Takes the names of chunk `seq` (numbered from 0 in input order);
    /// returns an emptied list to fill next, when one was applied.
    pub fn hand_in(&mut self, seq: u64, names: ChunkNames) -> Option<ChunkNames> {
        self.parked.insert(seq, names);
        let mut spare = None;
        while let Some(mut names) = self.parked.remove(&self.next) {
            self.tables.apply(&mut names);
            self.next += 1;
            spare = Some(names);
        }
        spare
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot() -> Slot {
        (None, Field::Remote)
    }

    #[test]
    fn chunks_apply_in_order_whatever_order_they_come_in() {
        let chunk = |names: &[&str]| {
            let mut c = ChunkNames::default();
            for n in names {
                c.count(slot(), n.as_bytes());
            }
            c
        };
        let chunks = [chunk(&["A.example", "b.example", "a.example"]), chunk(&["c.example"]), chunk(&["b.example"])];
        let mut in_order = Ledger::default();
        let mut reversed = Ledger::default();
        for (i, c) in chunks.iter().enumerate() {
            in_order.hand_in(i as u64, c.clone());
        }
        for (i, c) in chunks.iter().enumerate().rev() {
            reversed.hand_in(i as u64, c.clone());
        }
        assert_eq!(in_order.tables, reversed.tables);
        let (table, other) = &in_order.tables.tables[&slot()];
        assert_eq!((table[&Name::from_slice(b"a.example")], table[&Name::from_slice(b"b.example")], *other), (2, 2, 0));
        assert!(reversed.parked.is_empty());
    }
}
