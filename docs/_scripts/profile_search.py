# SPDX-License-Identifier: BSD-3-Clause
"""A randomized search over a ColumnTransformer pipeline on 300 rows."""
import sys
import numpy as np
import pandas as pd
from scipy.stats import loguniform, randint
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RandomizedSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

n_iter = int(sys.argv[1]) if len(sys.argv) > 1 else 200
rng = np.random.RandomState(0)
X = pd.DataFrame({
    "age": rng.randint(18, 80, 300).astype(float),
    "income": rng.lognormal(10, 1, 300),
    "city": rng.choice(["a", "b", "c", "d"], 300),
    "plan": rng.choice(["basic", "pro"], 300),
})
y = (X["age"] / 80 + rng.rand(300) > 1).astype(int)
pre = ColumnTransformer([
    ("num", Pipeline([("impute", SimpleImputer()), ("scale", StandardScaler())]), ["age", "income"]),
    ("cat", OneHotEncoder(handle_unknown="ignore"), ["city", "plan"]),
])
model = Pipeline([("pre", pre), ("clf", LogisticRegression(max_iter=200))])
search = RandomizedSearchCV(
    model,
    {"clf__C": loguniform(1e-3, 1e3), "pre__num__impute__strategy": ["mean", "median"]},
    n_iter=n_iter, cv=8, random_state=0,
)
search.fit(X, y)
print("best score %.3f" % search.best_score_)
