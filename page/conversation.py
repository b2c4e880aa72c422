"""One browser tab's conversation on the server: what `assistant.ask` needs, what the chat shows."""

from dataclasses import dataclass, field

from assistant.types import Answer


@dataclass
class Conversation:
    """One browser tab's conversation, kept on the server (gr.State), never sent back by the page."""

    history: list[dict] = field(default_factory=list)  # clean {"role","content"} for assistant.ask
    display: list[dict] = field(default_factory=list)  # the escaped messages the chat shows
    answers: dict[int, Answer] = field(default_factory=dict)  # chat message index -> its Answer
    last: Answer | None = None
    rated: object | None = None  # the FeedbackEntry a comment will refer to
    turns: list[tuple[str, Answer]] = field(default_factory=list)  # what the browser keeps

    def add(self, question: str, answer: Answer) -> None:
        """One more question and its answer; the answer is message len(display) - 1 of the chat."""
        from page import message

        self.history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.answer},
        ]
        self.display.append({"role": "user", "content": message.question_message(question)})
        key = len(self.display)
        self.display.append({"role": "assistant", "content": message.answer_message(answer, key)})
        self.answers[key] = answer
        self.last = answer
        self.turns.append((question, answer))

    @classmethod
    def restored(cls, data) -> "Conversation":
        """The conversation the browser kept (page.stored JSON); empty when there is none."""
        from page import stored

        conv = cls()
        for question, answer in stored.from_storage(data):
            conv.add(question, answer)
        return conv
