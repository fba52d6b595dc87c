from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.ensemble import StackingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from .common import Benchmark

# Compare a branch with the commit it forked from, e.g.:
#
#     asv continuous -b CloneBenchmark \
#         `git merge-base --fork-point upstream/main <your_branch>` <your_branch>


def _nested_pipeline(n_branches):
    # A model selection workload: a column transformer of n_branches four-step
    # pipelines and a PCA in a feature union, then a stacking classifier
    # (about 5 estimators per branch).
    branches = [
        (
            f"branch{i}",
            Pipeline(
                [
                    ("impute", SimpleImputer()),
                    ("scale", StandardScaler()),
                    ("poly", PolynomialFeatures(degree=2)),
                    ("pca", PCA(n_components=2)),
                ]
            ),
            [i],
        )
        for i in range(n_branches)
    ]
    features = FeatureUnion(
        [("columns", ColumnTransformer(branches)), ("pca", PCA(n_components=2))]
    )
    stack = StackingClassifier(
        [("tree", DecisionTreeClassifier()), ("lr", LogisticRegression())],
        final_estimator=LogisticRegression(),
    )
    return Pipeline([("features", features), ("stack", stack)])


class CloneBenchmark(Benchmark):
    """
    Benchmarks for clone, which model selection calls before every fit.
    """

    param_names = ["n_branches"]
    params = ([1, 10, 100],)

    def setup(self, n_branches):
        self.estimator = _nested_pipeline(n_branches)
        self.parameters = [None, 1, 2.5, "auto", True, len, (1, 2), [3, 4]]

    def time_clone(self, n_branches):
        clone(self.estimator)

    def time_get_params(self, n_branches):
        self.estimator.get_params(deep=True)

    def time_clone_parameters(self, n_branches):
        clone(self.parameters, safe=False)
