//! The sandboxed Typst world: embedded templates and fonts, one data file, host images.
//!
//! Nothing else exists in it: no file system, no packages, no network, and `today` is the
//! certificate's date, so the same input gives the same bytes.

use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// Parsed once per process and shared by every render: fonts, the standard library, the sources.
pub(crate) struct Shared {
    library: LazyHash<Library>,
    fonts: Vec<Font>,
    book: LazyHash<FontBook>,
    lib: Source,
    forms: Vec<(&'static str, Source)>,
    invoice: Source,
    reply_letter: Source,
}

pub(crate) fn id(path: &str) -> Option<FileId> {
    VirtualPath::new(path).ok().map(|p| RootedPath::new(VirtualRoot::Project, p).intern())
}

/// The shared state, built on first use.
pub(crate) fn shared() -> Option<&'static Shared> {
    static SHARED: OnceLock<Option<Shared>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let fonts: Vec<Font> =
                origo_templates::FONTS.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
            let main = id("/main.typ")?;
            let forms =
                origo_templates::FORMS.iter().map(|(code, src)| (*code, Source::new(main, src.to_string()))).collect();
            Some(Shared {
                library: LazyHash::new(Library::builder().build()),
                book: LazyHash::new(FontBook::from_fonts(&fonts)),
                fonts,
                lib: Source::new(id("/lib.typ")?, origo_templates::LIB.to_string()),
                forms,
                invoice: Source::new(main, origo_templates::INVOICE.to_string()),
                reply_letter: Source::new(main, origo_templates::REPLY_LETTER.to_string()),
            })
        })
        .as_ref()
}

impl Shared {
    /// The certificate template with this code.
    pub(crate) fn form(&self, code: &str) -> Option<&Source> {
        self.forms.iter().find(|(c, _)| *c == code).map(|(_, s)| s)
    }

    /// The commercial invoice template.
    pub(crate) fn invoice(&self) -> &Source {
        &self.invoice
    }

    /// The verification reply letter template.
    pub(crate) fn reply_letter(&self) -> &Source {
        &self.reply_letter
    }
}

/// One render's world.
pub(crate) struct FormWorld<'a> {
    shared: &'a Shared,
    /// Fonts and book when the host adds fonts; the shared ones otherwise.
    extra: Option<(Vec<Font>, LazyHash<FontBook>)>,
    main: Source,
    files: Vec<(FileId, Bytes)>,
    today: Datetime,
}

impl<'a> FormWorld<'a> {
    /// A world whose only readable files are `files` (the data JSON and images).
    pub(crate) fn new(
        shared: &'a Shared,
        main: Source,
        files: Vec<(FileId, Bytes)>,
        host_fonts: Vec<Font>,
        today: Datetime,
    ) -> Self {
        let extra = (!host_fonts.is_empty()).then(|| {
            let fonts: Vec<Font> = shared.fonts.iter().cloned().chain(host_fonts).collect();
            let book = LazyHash::new(FontBook::from_fonts(&fonts));
            (fonts, book)
        });
        FormWorld { shared, extra, main, files, today }
    }

    fn fonts(&self) -> &[Font] {
        self.extra.as_ref().map_or(&self.shared.fonts, |(f, _)| f)
    }
}

impl World for FormWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.extra.as_ref().map_or(&self.shared.book, |(_, b)| b)
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.shared.lib.id() {
            Ok(self.shared.lib.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.iter().find(|(f, _)| *f == id).map(|(_, b)| b.clone()).ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts().get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
