"""Answer widgets for the self-check questions: ``ask("q04_total_vs_partial")`` in a notebook.

The widget shows the question, radio buttons (one answer), checkboxes (several) or a number box,
and a Check button. The button runs the same ``check(question_id, answer)`` as the code cell
below it and shows its verdict, so the widget and the code give the same feedback. The code cell
is what the grader reads, never the buttons: the widget says so before and after every check,
claims no points, and shows the exact line that hands the answer in, e.g.
``check("q04_order_forced", "b")``, to put in that cell.
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
    output : ipywidgets.Output, the result panel and the hand-in line
    result : the last :class:`~rnncourse.checks.engine.result.Result`, or None
    line : str or None, the code line that hands in the last answer checked
    """

    def __init__(self, question):
        import ipywidgets as widgets

        self.question, self.result, self.line = question, None, None
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
        note = widgets.HTML(f"<i>{html.escape(self.note)}</i>")
        self.box = widgets.VBox([prompt, self.choice, self.button, note, self.output])
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

    @property
    def note(self):
        """What the widget always says under its button: the buttons hand in nothing."""
        return (f"The Check button only checks your answer; it hands in nothing. What is graded "
                f"is the check cell below, check(\"{self.question.id}\", ...): put your answer "
                "there too.")

    def hand_in_line(self, answer):
        """The line of the graded cell that hands in ``answer``, or None for no usable answer."""
        if answer is ... or self.question.accepts(answer) is not None:
            return None
        if isinstance(answer, (set, frozenset)):
            literal = "{" + ", ".join(f'"{letter}"' for letter in sorted(answer)) + "}"
        elif isinstance(answer, str):
            literal = f'"{answer}"'
        else:
            literal = repr(answer)
        return f'check("{self.question.id}", {literal})'

    def headline(self, result):
        """The panel's first line: right or not, and never points (the buttons earn none)."""
        if result.passed:
            return f"✓ RIGHT  {self.question.id}  (not handed in by this button)"
        return f"✗ NOT RIGHT YET  {self.question.id}"

    def hand_in_text(self, result):
        """What the panel says under the verdict: how this answer reaches the grader."""
        if self.line is None:
            return ("Nothing is handed in: the grader reads only the check cell below this "
                    "widget, never these buttons.")
        if result.passed:
            return ("Not handed in yet: the grader reads only the check cell below this widget, "
                    "never these buttons, and gives the question its points only when that cell "
                    f"holds the right answer. To hand in this answer, make that cell read "
                    f"exactly\n{self.line}\nthen run it and save the notebook.")
        return ("Nothing is handed in by these buttons: the grader reads only the check cell "
                "below this widget. The line that hands in this answer would be\n"
                f"{self.line}\nonce your answer is right, put it in that cell the same way, run "
                "it and save the notebook.")

    def run(self):
        """Check the current answer and show the verdict with the line that hands it in;
        returns the result (the same as ``check(question_id, answer)``)."""
        from IPython.display import HTML, display

        from rnncourse.checks.checking import check

        answer = self.answer()
        self.result = check(self.question.id, answer)
        self.line = self.hand_in_line(answer)
        message = ("Pick an answer above, then press Check." if answer is ...
                   else self.result.message)
        self.output.clear_output()
        with self.output:
            display(HTML(self.result.panel_html(self.headline(self.result), message)))
            display(HTML(self._hand_in_html(self.result)))
        return self.result

    def _hand_in_html(self, result):
        text = html.escape(self.hand_in_text(result))
        if self.line is not None:
            line = html.escape(self.line)
            text = text.replace(line, f'<code style="display:block;font-size:110%;padding:4px '
                                      f'8px;margin:4px 0;background:#fff3cd;color:#3d2e00;'
                                      f'border:1px solid #b58a00">{line}</code>', 1)
        return ('<div class="rnncourse-hand-in" role="note" style="border:2px solid #b58a00;'
                'background:#fffbea;color:#3d2e00;padding:8px 12px;margin:4px 0;'
                'border-radius:4px;font-family:system-ui,sans-serif;line-height:1.4;'
                f'white-space:pre-wrap"><strong>⚠ </strong>{text}</div>')

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
