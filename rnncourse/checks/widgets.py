"""Answer widgets for the self-check questions: ``ask("q04_total_vs_partial")`` in a notebook.

The widget shows the question, radio buttons (one answer), checkboxes (several) or a number box,
and a Check button. The button runs the same ``check(question_id, answer)`` as the code cell
below it and shows its panel, so the widget and the code give the same feedback; the code cell
is what the grader reads.
"""

from __future__ import annotations

import html

from rnncourse.checks.engine.question import QuestionExercise


class QuestionWidget:
    """The widget of one question.

    Attributes
    ----------
    question : QuestionExercise
    box : ipywidgets.VBox, what is displayed
    choice : the input widget (RadioButtons, a VBox of Checkbox, or a Text box for a number)
    button : ipywidgets.Button, runs the check
    output : ipywidgets.Output, the result panel
    result : the last :class:`~rnncourse.checks.engine.result.Result`, or None
    """

    def __init__(self, question):
        import ipywidgets as widgets

        self.question, self.result = question, None
        prompt = widgets.HTML(f"<b>{html.escape(question.id)}</b>: {html.escape(question.prompt)}")
        labels = [f"{k}) {v}" for k, v in question.options.items()]
        layout = widgets.Layout(width="auto")
        if question.kind == "choice":
            self.choice = widgets.RadioButtons(options=labels, value=None, layout=layout)
        elif question.kind == "choices":
            self.choice = widgets.VBox([widgets.Checkbox(value=False, description=label,
                                                         indent=False, layout=layout)
                                        for label in labels])
        else:
            self.choice = widgets.Text(value="", placeholder="a number, e.g. 0.25",
                                       description="your answer",
                                       style={"description_width": "initial"})
        self.button = widgets.Button(description="Check", button_style="primary",
                                     tooltip=f'runs check("{question.id}", your answer)')
        self.output = widgets.Output()
        self.button.on_click(lambda _: self.run())
        self.box = widgets.VBox([prompt, self.choice, self.button, self.output])
        self.box.add_class("rnncourse-question")

    def answer(self):
        """The answer the widget holds, as the code cell would write it (``...`` when none)."""
        kind = self.question.kind
        if kind == "choice":
            return ... if self.choice.value is None else self.choice.value.split(")", 1)[0]
        if kind == "choices":
            picked = {box.description.split(")", 1)[0] for box in self.choice.children if box.value}
            return picked or ...
        text = self.choice.value.strip()
        if not text:
            return ...
        try:
            return float(text)
        except ValueError:
            return text  # check says what is wrong with it

    def run(self):
        """Check the current answer and show the result panel; returns the result."""
        from IPython.display import display

        from rnncourse.checks.checking import check

        self.result = check(self.question.id, self.answer())
        self.output.clear_output()
        with self.output:
            display(self.result)
        return self.result

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)


def ask(question_id):
    """The :class:`QuestionWidget` of ``question_id`` (displayed when it ends a cell).

    Raises
    ------
    KeyError
        for an id that is not a question, naming the closest ones.
    """
    import difflib

    from rnncourse.checks.catalogue import QUESTIONS

    question = QUESTIONS.get(question_id)
    if not isinstance(question, QuestionExercise):
        close = difflib.get_close_matches(str(question_id), list(QUESTIONS), n=3, cutoff=0.5)
        raise KeyError(f"{question_id!r} is not a self-check question; "
                       + (f"did you mean {', '.join(close)}?" if close
                          else f"known questions: {', '.join(QUESTIONS)}"))
    return QuestionWidget(question)


__all__ = ["ask", "QuestionWidget"]
