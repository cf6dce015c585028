/**
 * The archives are listed in one document read by its id: archives stored before the list existed
 * are listed once, an archive listed again is not listed twice, and answering reads no archive.
 */
import { freshDbEach } from '@ggzy/engine-workers/testing';
import { ArchiveCatalog } from './archive-catalog';
import { archiveModels } from './archive.model';

const t = freshDbEach('archive_catalog');

const archive = (k: number) => ({
  _id: `DA-P${k}`,
  projectId: `P${k}`,
  title: `项目${k} 交易档案`,
  content: '卷内文件'.repeat(200),
  sha256: `h${k}`,
  archivedAt: new Date(Date.UTC(2026, 10, k)),
});
const item = (k: number) => ({ id: `DA-P${k}`, projectId: `P${k}`, title: `项目${k} 交易档案`, sha256: `h${k}`, archivedAt: new Date(Date.UTC(2026, 10, k)) });

test('archives stored before the list are listed once; new ones as they are filed, once each; answers read no archive', async () => {
  // given two archives stored before the list existed
  const { Archive } = archiveModels(t.db);
  await Archive.insertMany([archive(2), archive(1)]);
  const catalog = new ArchiveCatalog(t.db);
  expect(await catalog.all()).toEqual([item(1), item(2)]);

  // when a third is filed, and filed again (a job run twice)
  await Archive.create(archive(3));
  await catalog.add(item(3));
  await new ArchiveCatalog(t.db).add(item(3));

  // then each is listed once, and a new process answers from the list alone
  const find = jest.spyOn(Archive, 'find');
  const again = new ArchiveCatalog(t.db);
  expect(await again.all()).toEqual([item(1), item(2), item(3)]);
  expect(find).not.toHaveBeenCalled();
});

test('the first archive filed into an empty system is listed', async () => {
  const catalog = new ArchiveCatalog(t.db);
  await archiveModels(t.db).Archive.create(archive(7));
  await catalog.add(item(7));
  expect(await new ArchiveCatalog(t.db).all()).toEqual([item(7)]);
});
