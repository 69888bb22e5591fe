"""Whether this CPU has an int8 dot-product instruction, which decides if the int8 encoder pays off.

OpenVINO's int8 kernels are fast and close to fp32 only with an int8 dot-product instruction
(AVX-512 VNNI, AVX-VNNI or AMX). On a CPU without one they are neither. On an AMD EPYC with AVX2 only
(2026-12-06, 200 sample summaries, median of 3) the int8 encoder ran 22.0 texts/s against fp32's 25.2,
and its worst cosine to torch fp32 was 0.9971, with 4 summaries under the 0.999 it keeps on a VNNI
CPU. So there the OpenVINO runtime runs fp32 when int8 is asked for
(``OpenVinoRuntime.effective_precision``).
"""
from __future__ import annotations

import functools
import platform
from pathlib import Path

INT8_DOT_PRODUCT = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})  # /proc/cpuinfo spellings
CPUINFO = Path("/proc/cpuinfo")


def cpu_flags(cpuinfo: str | None = None) -> frozenset[str]:
    """The instruction-set flags of the first CPU in ``/proc/cpuinfo`` text (empty when there is none)."""
    if cpuinfo is None:
        cpuinfo = CPUINFO.read_text() if CPUINFO.exists() else ""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


@functools.lru_cache(maxsize=1)
def has_int8_dot_product() -> bool:
    """True where the int8 encoder is faster than fp32 and within cosine 0.999 of it (see above)."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False  # not measured elsewhere: fp32 is the safe choice
    flags = cpu_flags()
    if flags:
        return bool(flags & INT8_DOT_PRODUCT)
    try:  # no /proc (Windows, macOS): numpy's own probe, which knows AVX-512 VNNI only
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:
        return False
    return bool(__cpu_features__.get("AVX512VNNI"))
