"""Reads Gloss's exports with the real tools that read each format, and checks them.

    check_exports.py CSL_SCHEMA ANNO_CONTEXT DIR...

Each DIR holds one store's exports: export.bib (BibTeX), export-biblatex.bib, export.json
(CSL-JSON), export.ris, annotations.jsonld, and expected.json: the store's records as
`gloss list --json` gives them, with their tags and notes. Every tool must read every file
without an error, and find each record's title, first author, year, DOI, tags and notes.
Prints one line per problem and exits 1 if there is any.
"""
import json
import os
import re
import sys
import unicodedata

import bibtexparser
import bibtexparser.middlewares as m
import jsonschema
import pybtex.database
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from pyld import jsonld
from pylatexenc.latex2text import LatexNodes2Text

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


def norm(text):
    """Text compared across tools: NFC, braces dropped, white space collapsed, case folded."""
    text = unicodedata.normalize("NFC", str(text)).replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().casefold()


def matched(where, tool, records, by_id):
    """Each record with what the tool read for it; a record it did not read is a problem."""
    for record in records:
        found = by_id.get(record["citekey"])
        if found is None:
            problem(where, f"{tool}: no entry {record['citekey']}")
        else:
            yield record, found


def family(author):
    """`Bruix J` -> `bruix`; an organisation whole."""
    parts = author.rsplit(" ", 1)
    if len(parts) == 2 and parts[1].isupper() and parts[1].isalpha() and len(parts[1]) <= 4:
        return norm(parts[0])
    return norm(author)


def check_bibtex(where, text, records, dialect):
    # Names are split before LaTeX is decoded, as BibTeX does: `{World Health Organization}`
    # is one name because of its braces.
    library = bibtexparser.parse_string(
        text,
        append_middleware=[m.SeparateCoAuthors(), m.SplitNameParts(), m.LatexDecodingMiddleware(keep_math_mode=False)])
    if library.failed_blocks:
        problem(where, f"bibtexparser failed on {len(library.failed_blocks)} blocks, first: {library.failed_blocks[0].raw[:200]!r}")
    entries = {entry.key: entry for entry in library.entries}
    if len(entries) != len(records):
        problem(where, f"bibtexparser read {len(entries)} entries, the store has {len(records)} records")
    pybtex_data = pybtex.database.parse_string(text, "bibtex")
    for record in records:
        key = record["citekey"]
        entry = entries.get(key)
        if entry is None:
            problem(where, f"bibtexparser: no entry {key}")
            continue
        fields = {field.key: field.value for field in entry.fields}
        if record["title"] and norm(fields.get("title", "")) != norm(record["title"]):
            problem(where, f"{key}: bibtexparser title {fields.get('title')!r} != {record['title']!r}")
        if record["year"] and str(record["year"]) != str(fields.get("year", "")):
            problem(where, f"{key}: year {fields.get('year')!r} != {record['year']}")
        if record["doi"] and fields.get("doi") != record["doi"]:
            problem(where, f"{key}: doi {fields.get('doi')!r} != {record['doi']!r}")
        if record["authors"]:
            names = fields.get("author", [])
            # The family name is BibTeX's von part and last part: `de Hoon`.
            last = norm(LatexNodes2Text().latex_to_text(" ".join(names[0].von + names[0].last))) if names else ""
            if last != family(record["authors"][0]):
                problem(where, f"{key}: first author {last!r} != {family(record['authors'][0])!r}")
        for tag in record["tags"]:
            if norm(tag) not in norm(fields.get("keywords", "")):
                problem(where, f"{key}: tag {tag!r} not in keywords")
        for note in record["noteBodies"]:
            if norm(note) not in norm(fields.get("annote", "")):
                problem(where, f"{key}: note {note[:40]!r} not in annote")
        if record["status"] in ("read", "skimmed") and fields.get("readstatus") != record["status"]:
            problem(where, f"{key}: readstatus {fields.get('readstatus')!r} != {record['status']!r}")
        pybtex_entry = pybtex_data.entries.get(key)
        if pybtex_entry is None:
            problem(where, f"pybtex: no entry {key}")
        elif record["authors"] and not pybtex_entry.persons.get("author"):
            problem(where, f"{key}: pybtex found no author")


def check_csl(where, text, records, schema):
    items = json.loads(text)
    try:
        jsonschema.validate(items, schema)
    except jsonschema.ValidationError as error:
        problem(where, f"not valid CSL-JSON: {error.message} at {list(error.absolute_path)}")
    for record, item in matched(where, "CSL-JSON", records, {item["id"]: item for item in items}):
        if record["title"] and norm(item.get("title", "")) != norm(record["title"]):
            problem(where, f"{record['citekey']}: title {item.get('title')!r}")
        if record["doi"] and item.get("DOI") != record["doi"]:
            problem(where, f"{record['citekey']}: DOI {item.get('DOI')!r}")
        if record["year"] and item.get("issued", {}).get("date-parts", [[None]])[0][0] != record["year"]:
            problem(where, f"{record['citekey']}: issued {item.get('issued')!r}")
        for tag in record["tags"]:
            if norm(tag) not in norm(item.get("keyword", "")):
                problem(where, f"{record['citekey']}: tag {tag!r} not in keyword")
    # citeproc-py renders every item with the style it ships.
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    try:
        rendered = [str(entry) for entry in bibliography.bibliography()]
    except Exception as error:  # noqa: BLE001 - any failure of the renderer is the finding
        problem(where, f"citeproc-py failed: {error!r}")
        return
    if len(rendered) != len(items):
        problem(where, f"citeproc-py rendered {len(rendered)} of {len(items)} items")


def check_ris(where, text, records):
    entries = rispy.loads(text)
    if len(entries) != len(records):
        problem(where, f"rispy read {len(entries)} entries, the store has {len(records)} records")
    for record, entry in matched(where, "rispy", records, {entry.get("id"): entry for entry in entries}):
        if record["title"] and norm(entry.get("title", "")) != norm(record["title"]):
            problem(where, f"{record['citekey']}: RIS title {entry.get('title')!r}")
        if record["year"] and entry.get("year") != str(record["year"]):
            problem(where, f"{record['citekey']}: RIS year {entry.get('year')!r}")
        if record["doi"] and entry.get("doi") != record["doi"]:
            problem(where, f"{record['citekey']}: RIS doi {entry.get('doi')!r}")
        if record["authors"]:
            authors = entry.get("authors", []) or entry.get("first_authors", [])
            if not authors or norm(authors[0].split(",")[0]) != family(record["authors"][0]):
                problem(where, f"{record['citekey']}: RIS first author {authors[:1]!r}")
        for tag in record["tags"]:
            if tag not in entry.get("keywords", []):
                problem(where, f"{record['citekey']}: RIS tag {tag!r} not in keywords")


def check_annotations(where, text, records, context):
    document = json.loads(text)

    def loader(url, options=None):
        if url.rstrip("/") in ("http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld"):
            return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": context}
        raise ValueError(f"no network here: {url}")

    try:
        expanded = jsonld.expand(document, {"documentLoader": loader})
    except Exception as error:  # noqa: BLE001
        problem(where, f"pyld could not expand: {error!r}")
        return
    flat = json.dumps(expanded)
    items = document["first"]["items"]
    notes = [item for item in items if item.get("motivation") in ("commenting", "highlighting")]
    expected = sum(len(record["noteBodies"]) for record in records)
    if len(notes) != expected:
        problem(where, f"{len(notes)} note annotations, the store has {expected} notes")
    for record in records:
        for body in record["noteBodies"]:
            if json.dumps(body)[1:-1] not in flat:
                problem(where, f"note {body[:40]!r} not in the expanded annotations")
        for tag in record["tags"]:
            if not any(item.get("motivation") == "tagging" and any(b["value"] == tag for b in item["body"]) for item in items):
                problem(where, f"tag {tag!r} of {record['citekey']} not exported")
    if "http://www.w3.org/ns/oa#TextQuoteSelector" not in flat and any(
            item.get("motivation") == "highlighting" for item in items):
        problem(where, "a highlight's TextQuoteSelector did not expand")


def main():
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    context = json.load(open(sys.argv[2], encoding="utf-8"))
    for directory in sys.argv[3:]:
        name = os.path.basename(directory)

        def read(file):
            return open(os.path.join(directory, file), encoding="utf-8").read()

        records = json.loads(read("expected.json"))
        check_bibtex(f"{name}/export.bib", read("export.bib"), records, "bibtex")
        check_bibtex(f"{name}/export-biblatex.bib", read("export-biblatex.bib"), records, "biblatex")
        check_csl(f"{name}/export.json", read("export.json"), records, schema)
        check_ris(f"{name}/export.ris", read("export.ris"), records)
        check_annotations(f"{name}/annotations.jsonld", read("annotations.jsonld"), records, context)
    for line in problems:
        print(line)
    print(f"checked {len(sys.argv) - 3} exports: {len(problems)} problems")
    sys.exit(1 if problems else 0)


main()
