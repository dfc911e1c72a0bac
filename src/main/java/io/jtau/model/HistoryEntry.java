package io.jtau.model;

/** One entry of a (project, branch) history: which revision became current, and when. */
public record HistoryEntry(
    long sequence, String revision, String configCommit, String codeCommit, long atMillis) {}
