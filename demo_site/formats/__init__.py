"""Date and time formats of the standalone site's languages (FORMAT_MODULE_PATH): its English is
British English, so dates read "14 March 2026", never the US "March 14, 2026". Spanish keeps
Django's own formats. A host chooses its own (or Django's, by language code: en-us, en-gb...)."""
