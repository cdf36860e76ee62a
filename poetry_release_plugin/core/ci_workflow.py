"""The CI definitions `poetry release init-ci` writes: a GitHub Actions workflow (or a GitLab CI
pipeline) that publishes with trusted publishing, then verifies the release is out."""

from __future__ import annotations

from dataclasses import dataclass

GITHUB_WORKFLOW_PATH = ".github/workflows/release.yml"
GITLAB_PIPELINE_PATH = ".gitlab-ci.yml"


@dataclass(frozen=True)
class CiSettings:
    """What the CI definition depends on."""

    repository: str  # the Poetry repository to publish to
    audience: str  # the index's OIDC audience: pypi, or testpypi
    environment: str  # the deployment environment the publisher is bound to
    tag_pattern: str  # the release tags, as a glob: v*
    python: str = "3.12"


def _repository_option(settings: CiSettings) -> str:
    return "" if settings.repository == "pypi" else f" -r {settings.repository}"


def github_workflow(settings: CiSettings) -> str:
    """`.github/workflows/release.yml`."""
    repository = _repository_option(settings)
    return f"""\
# Written by `poetry release init-ci`. On a pushed release tag (or the release that `cut`
# published), this job runs the same `cut`, which finds the tag pushed, uploads with trusted
# publishing (a short-lived token minted from the job's OIDC identity: no token is stored
# anywhere), creates the GitHub release as a draft and publishes it once the upload is done;
# then `verify` proves the release installs from the index. Register this workflow as the
# project's trusted publisher on the index first (init-ci printed the values).
name: Release

on:
  push:
    tags:
      - "{settings.tag_pattern}"
  release:
    types: [published]

permissions:
  contents: read

concurrency:
  group: release-${{{{ github.ref }}}}  # a tag and its release: one run after the other
  cancel-in-progress: false

jobs:
  publish:
    name: Publish and verify
    runs-on: ubuntu-latest
    environment:
      name: {settings.environment}
    permissions:
      contents: write  # create or publish the GitHub release
      id-token: write  # trusted publishing: the identity the index trusts
      actions: read  # verify watches this workflow's runs
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the whole history and tags: the notes and checks need them
      - uses: actions/setup-python@v5
        with:
          python-version: "{settings.python}"
      - name: Install Poetry and poetry-release-plugin
        run: |
          pipx install poetry
          poetry self add poetry-release-plugin
      - name: Publish
        run: poetry release cut --publish{repository}
        env:
          GITHUB_TOKEN: ${{{{ github.token }}}}
      - name: Verify
        run: poetry release verify --install --timeout 900{repository}
        env:
          GITHUB_TOKEN: ${{{{ github.token }}}}
"""


def gitlab_pipeline(settings: CiSettings) -> str:
    """`.gitlab-ci.yml`."""
    variable = "".join(c if c.isalnum() else "_" for c in settings.audience.upper())
    repository = _repository_option(settings)
    return f"""\
# Written by `poetry release init-ci --gitlab`. On a release tag, this job uploads the release
# with trusted publishing (the job's id_token is exchanged for a short-lived upload token: no
# token is stored anywhere), then verifies it installs from the index. Register this project,
# this file and the environment as a trusted publisher first.
publish:
  image: python:{settings.python}
  stage: deploy
  rules:
    - if: $CI_COMMIT_TAG
  environment:
    name: {settings.environment}
  id_tokens:
    {variable}_ID_TOKEN:
      aud: {settings.audience}
  variables:
    GIT_DEPTH: "0"
  script:
    - pip install pipx
    - pipx install poetry
    - export PATH="$HOME/.local/bin:$PATH"
    - poetry self add poetry-release-plugin
    - poetry release cut --publish --no-github-release{repository}
    - poetry release verify --install --no-github --timeout 900{repository}
"""
