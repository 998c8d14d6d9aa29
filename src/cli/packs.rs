//! `monocle packs` and `monocle packs show NAME`.

use super::args::PacksAction;
use super::{FAILED, OK};
use crate::packs;

pub fn packs(action: Option<PacksAction>) -> u8 {
    let all = packs::builtin_infos();
    match action {
        None => {
            let width = all.iter().map(|p| p.header.name.len()).max().unwrap_or(0);
            for pack in &all {
                sayln!("{:width$}  {}", pack.header.name, pack.header.description);
            }
            sayln!("\n`monocle packs show NAME` shows a pack's params, alerts and reasons.");
            OK
        }
        Some(PacksAction::Show { name }) => {
            if let Some(pack) = all.iter().find(|p| p.header.name == name) {
                say!("{}", packs::show(pack));
                return OK;
            }
            let names = all.iter().map(|p| p.header.name.as_str());
            let hint = crate::names::did_you_mean(&name, names)
                .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
            eprintln!(
                "error: there is no built-in pack `{name}`{hint}; `monocle packs` lists them"
            );
            FAILED
        }
    }
}
