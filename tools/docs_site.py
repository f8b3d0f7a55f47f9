"""MkDocs hook of mkdocs.yml: the site's pages are the repository's own files, at their own paths.

README.md is the home page and links `docs/design.md` as GitHub shows it; docs/ pages link
`../README.md`. Mounting each file at its repository path keeps every relative link valid in
both places, and strict mode checks them all. Files outside docs/ that pages link to (the spec,
the benchmark results) are copied into the site as they are.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

__all__ = ["on_files"]

ROOT = Path(__file__).parents[1]
PAGES = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md", "docs/**/*.md"]
ASSETS = ["openapi.yaml", "bench/RESULTS.md"]


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Replace the docs_dir listing with the repository's pages and linked files."""
    site = Files([])
    for pattern in PAGES + ASSETS:
        for path in sorted(ROOT.glob(pattern)):
            relative = path.relative_to(ROOT).as_posix()
            site.append(
                File(
                    relative,
                    src_dir=str(ROOT),
                    dest_dir=config.site_dir,
                    use_directory_urls=config.use_directory_urls,
                )
            )
    # Files MkDocs adds itself (the theme's assets, the search index) stay.
    for file in files:
        if not file.src_uri.endswith(".md") and site.get_file_from_path(file.src_uri) is None:
            site.append(file)
    return site
