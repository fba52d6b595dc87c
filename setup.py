"""Build the compiled clone.

The build is strict: if the extension does not compile, installation fails
(no silent fallback to a slower package). To build the pure-Python reference
only, on a machine without a C compiler, set SKLEARN_SLEP017_NO_EXTENSIONS=1.
"""

import os

from setuptools import Extension, setup

ext_modules = []
if not os.environ.get("SKLEARN_SLEP017_NO_EXTENSIONS"):
    from Cython.Build import cythonize

    ext_modules = cythonize(
        [Extension("sklearn_slep017._clone_c", ["sklearn_slep017/_clone_c.pyx"])],
        compiler_directives={"embedsignature": True, "binding": True},
    )

setup(ext_modules=ext_modules)
