"""The naive baseline the assistant is measured against: a plain LangChain RAG without an LLM.

RecursiveCharacterTextSplitter (1000/100) over the raw text of the corpus, dense-only retrieval in an
in-memory Chroma through langchain-chroma, the same model as the assistant (index.lc.LangChainEmbedder
over the configured embedder); the answer is the first retrieved chunk. Never situational, never out of
scope. LangChain is imported only when a baseline is built (never on the `ask` path).
"""

from __future__ import annotations

import contextlib

from index.offline import go_offline


class NaiveBaseline:
    """Build once, then `ask(question) -> dict` in the shape of `Answer.to_dict()`."""

    def __init__(self, settings, documents: list[tuple[str, str]], k: int = 5, embedder=None):
        """`documents`: (source, raw text) of every corpus file (`ingest.corpus.raw_documents`);
        `embedder`: the assistant's (default: the configured model)."""
        go_offline()  # before chromadb and LangChain are imported
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from index.embed import load_embedder
        from index.lc import LangChainEmbedder

        self.k = k
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=100)
        docs = []
        for source, text in documents:
            docs += splitter.create_documents([text], metadatas=[{"source": source}])
        embeddings = LangChainEmbedder(embedder if embedder is not None else load_embedder(settings))
        self._client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self._name = f"baseline-{id(self):x}"
        self._store = Chroma(
            collection_name=self._name,
            embedding_function=embeddings,
            client=self._client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        if docs:
            self._store.add_documents(docs, ids=[f"b{i}" for i in range(len(docs))])
        self.chunks = len(docs)

    def ask(self, question: str) -> dict:
        """The first retrieved chunk as the answer, the first k chunks as citations."""
        found = self._store.similarity_search_with_score(question, k=self.k) if self.chunks else []
        citations = [
            {
                "n": n,
                "chunk_id": getattr(d, "id", "") or "",
                "source": d.metadata.get("source", ""),
                "section": "",
                "text": d.page_content,
                "score": round(1.0 - float(dist), 4),
            }
            for n, (d, dist) in enumerate(found, start=1)
        ]
        return {
            "question": question,
            "answer": citations[0]["text"] if citations else "",
            "citations": citations,
            "situational": False,
            "meldpunt": None,
            "out_of_scope": False,
        }

    def close(self) -> None:
        """Drop the in-memory collection."""
        with contextlib.suppress(Exception):  # already gone is fine
            self._client.delete_collection(self._name)
