package dev.memlogd.e2e;

/** {@link FdLimitContract}'s tests under an open-files limit of 200. */
class FdLimitTest extends FdLimitContract {
    FdLimitTest() {
        super(200);
    }
}
