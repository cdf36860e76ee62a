"""Why git refused a push, told apart from what git printed."""

from __future__ import annotations

import pytest

from poetry_release_plugin.adapters.git import push_rejection

MOVED = """\
To /tmp/remote.git
 ! [rejected]        main -> main (fetch first)
 ! [rejected]        v1 -> v1 (atomic push failed)
error: failed to push some refs to '/tmp/remote.git'
hint: Updates were rejected because the remote contains work that you do
"""
HOOK = """\
remote: tags are frozen by policy\x20\x20\x20\x20
To /tmp/remote.git
 ! [remote rejected] v2 -> v2 (pre-receive hook declined)
error: failed to push some refs to '/tmp/remote.git'
"""
PROTECTED = """\
remote: error: GH006: Protected branch update failed for refs/heads/main.
To github.example:acme/widget-kit.git
 ! [remote rejected] main -> main (protected branch hook declined)
"""
SSH_DENIED = """\
ERROR: Permission to acme/widget-kit.git denied to someone.
fatal: Could not read from remote repository.
"""
HTTPS_DENIED = (
    "fatal: unable to access 'https://host/acme/w.git/': The requested URL returned error: 403\n"
)


@pytest.mark.parametrize(
    ("output", "reason", "message"),
    [
        (MOVED, "remote moved", ""),
        (HOOK, "hook rejected", "tags are frozen by policy"),
        (
            PROTECTED,
            "hook rejected",
            "error: GH006: Protected branch update failed for refs/heads/main.",
        ),
        (SSH_DENIED, "permission denied", ""),
        (HTTPS_DENIED, "permission denied", ""),
        ("fatal: something else entirely\n", "refused", ""),
    ],
)
def test_each_refusal_is_told_apart(output: str, reason: str, message: str) -> None:
    assert push_rejection(output) == (reason, message)
