from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification
from sklearn.decomposition import PCA
from sklearn.ensemble import StackingClassifier
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from .common import Benchmark

# Compare a branch with the commit it forked from, e.g.:
#
#     asv continuous -b CloneBenchmark -b SearchCloneBenchmark \
#         `git merge-base --fork-point upstream/main <your_branch>` <your_branch>


def _nested_pipeline(n_branches):
    # A column transformer of n_branches four-step pipelines and a PCA in a
    # feature union, then a stacking classifier (about 5 estimators per branch).
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
    Benchmarks for clone and get_params on nested pipelines.
    """

    param_names = ["n_branches"]
    params = ([1, 10, 100],)

    def setup(self, n_branches):
        self.estimator = _nested_pipeline(n_branches)

    def time_clone(self, n_branches):
        clone(self.estimator)

    def time_get_params(self, n_branches):
        self.estimator.get_params(deep=True)


class SearchCloneBenchmark(Benchmark):
    """
    A grid search on small data with quick fits, where clone, get_params and
    set_params take a visible share of the time.
    """

    param_names = ["n_samples"]
    params = ([90],)

    def setup(self, n_samples):
        self.X, self.y = make_classification(
            n_samples=n_samples, n_features=6, n_informative=3, random_state=0
        )
        pipeline = Pipeline(
            [
                ("scale", StandardScaler()),
                ("select", SelectKBest(f_classif, k=3)),
                ("clf", DecisionTreeClassifier(random_state=0)),
            ]
        )
        param_grid = {
            "select__k": [2, 3, 4, 5],
            "clf__max_depth": [1, 2, 3, 4],
            "clf__min_samples_leaf": [1, 2, 4],
        }
        self.search = GridSearchCV(pipeline, param_grid, cv=3)

    def time_fit(self, n_samples):
        self.search.fit(self.X, self.y)
