

# The compiled implementation of clone (sklearn/utils/_fast_clone.pyx): the
# same behaviour as the functions above, many times faster on large nested
# pipelines. Imported last because it reads this module's helpers; the
# Python functions above remain its reference.
from sklearn.utils._fast_clone import (  # noqa: E402
    clone,
)
from sklearn.utils._fast_clone import (  # noqa: E402
    clone_parametrized as _clone_parametrized,
)
