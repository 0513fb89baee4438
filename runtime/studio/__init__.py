"""The studio's core in plain Python: what the editor's sections show (`views`) and the choices
and edits of its flow, rules and documents sections (`flow`, `rules`, `documents`), used by the
studio's routes (and the review page, which shows the same workflow diagram)."""
