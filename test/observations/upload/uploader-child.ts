/** Drains the upload queue of the store in argv[2]; the resume test kills it mid-upload. */
import { Store } from '../../../observations/store/store.ts';
import { FtpTransport } from '../../../observations/upload/ftp.ts';
import { HttpTransport } from '../../../observations/upload/http.ts';
import { UploadQueue } from '../../../observations/upload/queue.ts';
import { TargetStore } from '../../../observations/upload/targets.ts';

const dir = process.argv[2]!;
const store = Store.open(dir);
const targets = new TargetStore(dir);
await new UploadQueue(store, { backoffBase: 0.02 }).drain((n) => targets.get(n), { http: new HttpTransport(), ftp: new FtpTransport() });
store.close();
