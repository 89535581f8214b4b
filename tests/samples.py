"""Short article texts the tests share (written for these tests)."""

ARTICLE_EN = (
    "Floodwaters rose across the river delta on Tuesday, forcing thousands of residents from their homes. "
    "Officials said the dam upstream was holding but warned that more rain was expected this week."
)
ARTICLE_DE = (
    "Das Hochwasser im Flussdelta ist am Dienstag weiter gestiegen. Tausende Anwohner mussten ihre Häuser "
    "verlassen, teilten die Behörden mit. Der Damm halte, hieß es, doch es werde weiterer Regen erwartet."
)
