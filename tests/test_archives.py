import io
import tarfile
import zipfile

import pytest

from cablemap.dataset.load import load_dataset
from cablemap.errors import DataError
from cablemap.fetch import import_snapshot


def _zip(root, target, prefix="open_undersea_cable_map-main/"):
    with zipfile.ZipFile(target, "w") as zf:
        for path in root.rglob("*.json"):
            zf.write(path, prefix + str(path.relative_to(root)))
    return target


def _tar(root, target, prefix="data/"):
    with tarfile.open(target, "w:gz") as tf:
        tf.add(root, arcname=prefix.rstrip("/"))
    return target


@pytest.mark.parametrize("make", [_zip, _tar])
def test_archives_load_and_import(mini_root, tmp_path, fast_settings, make):
    suffix = ".zip" if make is _zip else ".tar.gz"
    archive = make(mini_root, tmp_path / f"mini{suffix}")
    assert load_dataset(archive).counts["cables"] == 3
    info = import_snapshot(archive, settings=fast_settings).snapshot
    assert info.manifest["source"]["kind"] == "archive"


def test_zip_with_parent_path_is_refused(tmp_path, mini_root):
    archive = tmp_path / "evil.zip"
    _zip(mini_root, archive)
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("../../outside.json", "{}")
    with pytest.raises(DataError, match="outside the target"):
        load_dataset(archive)
    assert not (tmp_path.parent / "outside.json").exists()


def test_tar_with_absolute_path_and_link_is_refused(tmp_path, mini_root):
    for name, info in [
        ("abs", tarfile.TarInfo("/tmp/evil.json")),
        ("link", tarfile.TarInfo("data/x")),
    ]:
        archive = tmp_path / f"{name}.tar.gz"
        _tar(mini_root, archive)
        if name == "link":
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        with tarfile.open(archive, "w:gz") as tf:
            tf.add(mini_root, arcname="data")
            info.size = 0 if name == "link" else 2
            tf.addfile(info, io.BytesIO(b"{}"))
        with pytest.raises(DataError, match="outside the target|not a plain file"):
            load_dataset(archive)
