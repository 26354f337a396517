package dev.memlogd.e2e;

/** {@link FdLimitContract}'s tests under an open-files limit of 64. */
class FdLimit64Test extends FdLimitContract {
    FdLimit64Test() {
        super(64);
    }
}
