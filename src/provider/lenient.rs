//! Lenient decoding shared by the providers' wire types: an explicit `null` where the spec has a
//! list (or a string) is read as empty, as a missing field is, so one provider's `null` never
//! fails a whole answer.

use serde::{Deserialize, Deserializer};

/// `null` (or a missing field, with `#[serde(default)]`) as the type's default: `[]`, `""`.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct List {
        #[serde(default, deserialize_with = "super::null_as_default")]
        items: Vec<u8>,
    }

    #[test]
    fn null_and_missing_are_empty() {
        for body in [r#"{"items":null}"#, "{}"] {
            let list: List = serde_json::from_str(body).unwrap();
            assert!(list.items.is_empty(), "{body}");
        }
        let list: List = serde_json::from_str(r#"{"items":[1,2]}"#).unwrap();
        assert_eq!(list.items, [1, 2]);
    }
}
