from dataclasses import dataclass


@dataclass
class ScoreConfig:
    model_name: str = "gpt2"
    dtype: str = "float32"
    bonus: float = 2.0
