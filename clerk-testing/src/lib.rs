#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![recursion_limit = "256"]

mod emulator;
mod instance;
mod token;

pub use emulator::{Emulator, EmulatorBuilder, EmulatorError};
pub use instance::TestInstance;
pub use token::{ClaimsVersion, TokenBuilder};
