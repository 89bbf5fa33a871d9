//! Vessel tracks: AIS NMEA 0183 sentences and position tables → positions, static reports and
//! vessel identities, each bad line an [`Issue`](borderwatch_model::Issue).
//!
//! Owns: the AIS armour (`sixbit`), writing position and static reports (`encode`), message layouts (`message`), sentences and tag blocks
//! (`nmea`), the streaming NMEA reader (`reader`), positions and static reports (`record`),
//! position tables (`table`), flags by MMSI (`mid`), designated vessels (`designated`),
//! distances (`geo`), vessels and their identity over time (`vessel`), sea ports (`ports`),
//! events at sea — port calls, voyages, dark periods, encounters, loitering (`events`) — and
//! one track file as the store keeps it: its events citing their lines, and the claims of its
//! voyages and port calls (`stored`), with its positions packed column by column
//! (`columns`) and thinned for the map (`thin`).
//!
//! Refuses: I/O beyond the `Read` it is given, the clock (a file's stated time comes in as an
//! argument), SQL, argv and HTTP. Nothing here guesses a time or a position.

pub mod columns;
pub mod designated;
pub mod encode;
pub mod events;
pub mod geo;
pub mod message;
pub mod mid;
pub mod nmea;
pub mod ports;
pub mod reader;
pub mod record;
pub mod sixbit;
pub mod stored;
pub mod table;
pub mod thin;
pub mod vessel;

pub use designated::{imo_valid, Basis, Designation, Watchlist};
pub use events::{Detail, SeaEvent, Track};
pub use message::{decode, Dimensions, Fix, Identity, Message};
pub use mid::{MidEntry, Mids};
pub use ports::{Port, Ports};
pub use reader::{read_all, Decoded, Item, Lines, NmeaReader, Options, Tally, TimeFrom};
pub use record::{Position, Record, StaticReport};
pub use table::{parse_time, TableReader, TableRow, TrackColumns, TrackField};
pub use vessel::{Evidence, IdentitySpan, Vessel, VesselBook, VesselEvent, VesselEventKind};
