package dev.memlogd.e2e;

/** {@link FdLimitContract}'s tests under an open-files limit of 128. */
class FdLimit128Test extends FdLimitContract {
    FdLimit128Test() {
        super(128);
    }
}
