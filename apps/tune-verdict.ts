/** The tune's verdict statistics, which live in core/ so the report (analysis/) can use them too. */
export * from '../core/paired-sign-test.ts'
