//! Files in and out: every read bounded before it is taken in whole, every write atomic.

use origo::{codes, Error};
use std::io::Read as _;
use std::path::Path;

/// Reads a file (`-`: standard input) as text, refusing it past `max` bytes after reading at most
/// `max + 1` of them: a 358 MB body is never read whole to be told it is too large.
pub fn read_text(path: &Path, max: usize) -> Result<String, Error> {
    let bytes = read_bytes(path, max)?;
    String::from_utf8(bytes).map_err(|e| {
        Error::new(
            &codes::INPUT_UNREADABLE,
            path.display().to_string(),
            format!("`{}` 不是 UTF-8 文本：{e}", path.display()),
            format!("`{}` is not UTF-8 text: {e}", path.display()),
        )
    })
}

/// Reads a file (`-`: standard input) as bytes, at most `max` of them.
pub fn read_bytes(path: &Path, max: usize) -> Result<Vec<u8>, Error> {
    let unreadable = |e: std::io::Error| {
        Error::new(
            &codes::INPUT_UNREADABLE,
            path.display().to_string(),
            format!("无法读取 `{}`：{e}", path.display()),
            format!("cannot read `{}`: {e}", path.display()),
        )
    };
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes).map_err(unreadable)?;
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes)).map_err(unreadable)?;
    }
    if bytes.len() > max {
        return Err(Error::new(
            &codes::INPUT_TOO_LARGE,
            path.display().to_string(),
            format!("`{}` 超过上限 {max} 字节", path.display()),
            format!("`{}` is larger than the bound of {max} bytes", path.display()),
        ));
    }
    Ok(bytes)
}

/// Writes beside the target and renames, so a failed run never leaves a partial file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let unwritable = |e: std::io::Error| {
        Error::new(
            &codes::OUTPUT_UNWRITABLE,
            path.display().to_string(),
            format!("无法写入 `{}`：{e}", path.display()),
            format!("cannot write `{}`: {e}", path.display()),
        )
    };
    std::fs::write(&tmp, bytes).map_err(unwritable)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        unwritable(e)
    })
}
