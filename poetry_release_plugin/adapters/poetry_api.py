"""The parts of Poetry the plugin leans on that are not Poetry's documented plugin API, in one
place, with the Poetry versions each was checked on (`make test-floor`: 2.1.0; `make
test-matrix`: the newest patch of 2.1 to 2.5). When Poetry changes one of these, this module is
where the plugin adapts.

- `PyPiRepository.__init__`'s `url` default: PyPI's address as Poetry knows it
  (`pypi_base_url`); checked on 2.1 to 2.5.
- `UploadError`'s text, `"<reason> | <body>"`: the index's reason without its page
  (`upload_error_reason`); 2.1 to 2.5.
- `Uploader.post_data`: the attestations form field (`adapters/upload.py`); an instance method
  up to 2.2, a classmethod from 2.3, both called as `self.post_data(file)`.
- `Uploader.files`: one file per upload, in the plugin's own order (Poetry's is wheel first up
  to 2.2, sdist first after); `Uploader.make_session`: a hook keeps the index's status codes.
- `Command._poetry` / `set_poetry`: the project a command reads, built once
  (`console/base.py`); 2.1 to 2.5.
- `LegacyRepository.session`: the index's pages and files with Poetry's credentials
  (`adapters/index.py`); 2.1 to 2.5.

Everything else the plugin takes from Poetry (`Factory`, `Config`, `EnvManager`, cleo's
commands, the `poetry.application.plugin` entry point) is the API Poetry's plugins use.
"""

from __future__ import annotations

import inspect


def pypi_base_url() -> str:
    """PyPI's base URL as Poetry's own PyPI repository class defaults to it."""
    from poetry.repositories.pypi_repository import PyPiRepository

    return str(inspect.signature(PyPiRepository).parameters["url"].default)


def upload_error_reason(error: BaseException) -> str:
    """An `UploadError`'s reason without the page Poetry appends after ` | `."""
    return str(error).split(" | ", 1)[0]
