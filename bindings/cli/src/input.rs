//! Files in and out: every read bounded before it is taken in whole, every write atomic.

use origo::{codes, Error};
use std::io::Read;
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
    if path.as_os_str() == "-" {
        read_bounded(std::io::stdin().lock(), path, max)
    } else {
        read_bounded(std::fs::File::open(path).map_err(|e| unreadable(path, &e))?, path, max)
    }
}

/// Reads `source` to its end, or refuses it after reading `max + 1` bytes: the one byte past the
/// bound says it is too large, whatever is left unread.
fn read_bounded(source: impl Read, path: &Path, max: usize) -> Result<Vec<u8>, Error> {
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    source.take(limit).read_to_end(&mut bytes).map_err(|e| unreadable(path, &e))?;
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

fn unreadable(path: &Path, e: &std::io::Error) -> Error {
    Error::new(
        &codes::INPUT_UNREADABLE,
        path.display().to_string(),
        format!("无法读取 `{}`：{e}", path.display()),
        format!("cannot read `{}`: {e}", path.display()),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An endless stream that counts the bytes it has served.
    struct Endless<'a>(&'a std::cell::Cell<usize>);

    impl Read for Endless<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(b' ');
            self.0.set(self.0.get() + buf.len());
            Ok(buf.len())
        }
    }

    #[test]
    fn a_stream_past_the_bound_is_refused_after_the_bound_and_one_byte() {
        let served = std::cell::Cell::new(0);
        let max = 4 << 20;
        let err = read_bounded(Endless(&served), Path::new("-"), max).unwrap_err();
        assert_eq!((err.code, err.path.as_str()), ("input_too_large", "-"));
        assert_eq!(served.get(), max + 1, "read past the bound");
    }

    #[test]
    fn a_stream_within_the_bound_is_read_whole() {
        assert_eq!(read_bounded(&b"{}"[..], Path::new("-"), 2).unwrap(), b"{}");
        assert_eq!(read_bounded(&b"{} "[..], Path::new("-"), 2).unwrap_err().code, "input_too_large");
    }
}
