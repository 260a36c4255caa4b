"""The monthly "MIPEX in Use" digest: a standing introduction, each new study that uses MIPEX
with a two-to-four-sentence summary, and a closing "About the Migration Policy Group".

- `issues`: drafting from the studies added in a period, editing, publishing (freezing) and
  revising, in the store;
- `summaries`: drafts picked from abstracts, and the sentence rule;
- `render`: the Markdown and the e-mail of a published issue;
- `image`: the issues in `bib/digests/`;
- the commands live with the library facade, as `Library.digests` (`tracker.library.digests`).
"""
