"""Build the compiled clone.

The build is strict: if the extension does not compile, installation fails
(no silent fallback to a slower package). To build the pure-Python reference
only, on a machine without a C compiler, set SKLEARN_SLEP017_NO_EXTENSIONS=1.

``sklearn_slep017_enable.pth`` (the SKLEARN_SLEP017_ENABLE start-up hook) goes
to the root of site-packages, in a wheel and in an editable install alike.
"""

import os
import shutil

from setuptools import Extension, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

PTH = "sklearn_slep017_enable.pth"


class build_py_with_pth(build_py):
    """build_py, plus the .pth at the root of the installed tree.

    A wheel: the root of ``build_lib``. An editable install (PEP 660,
    ``editable_mode``): setuptools' ``editable_wheel`` points ``install_lib``
    at the editable wheel's root, which becomes site-packages (the precedent
    is pytest-cov's pytest-cov.pth).
    """

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            root = self.get_finalized_command("install").install_lib
        else:
            root = self.build_lib
        self.mkpath(root)
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)), PTH)
        self.copy_file(source, os.path.join(root, PTH), preserve_mode=False)

    def get_outputs(self, include_bytecode=True):
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            outputs.append(os.path.join(self.build_lib, PTH))
        return outputs

    def get_source_files(self):  # the sdist carries it
        return list(super().get_source_files()) + [PTH]

class sdist_without_egg_info(sdist):
    """sdist, without the ``*.egg-info`` folder setuptools copies into it.

    The root ``PKG-INFO`` carries the metadata; a build from the sdist
    writes its own egg-info.
    """

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        for name in os.listdir(base_dir):
            if name.endswith(".egg-info"):
                shutil.rmtree(os.path.join(base_dir, name))


ext_modules = []
if not os.environ.get("SKLEARN_SLEP017_NO_EXTENSIONS"):
    from Cython.Build import cythonize

    ext_modules = cythonize(
        [
            Extension(
                "sklearn_slep017._clone_c",
                ["sklearn_slep017/_clone_c.pyx"],
                depends=["sklearn_slep017/_clone_capi.h"],
            )
        ],
        compiler_directives={
            "language_level": 3,
            "embedsignature": True,
            "binding": True,
            "boundscheck": False,
            "wraparound": False,
            # Safe without the GIL: run on a free-threaded CPython 3.13 (see
            # "Free threading" in docs/compiled_core.rst, which
            # tests/clone/test_c_api_policy.py requires beside this line;
            # `make test-freethreaded` repeats the run). Without it, importing
            # the module turns the GIL back on. Cython >= 3.1.
            "freethreading_compatible": True,
        },
    )

setup(
    ext_modules=ext_modules,
    cmdclass={"build_py": build_py_with_pth, "sdist": sdist_without_egg_info},
)
