import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Button, Flex, Modal, Spin } from 'antd';
import { DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useLoaded } from './useLoaded.ts';
import { saveTextFile } from './saveTextFile.ts';
import { parseDocument, printDocument, renderInto } from './printDocument.ts';
import './documentPreview.css';

/** A station document (HTML from the api), drawn in a shadow root so its styles stay its own. */
export function HtmlDocumentView({ html, testId }: { html: string; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = host.current;
    if (!el) return;
    renderInto(el.shadowRoot ?? el.attachShadow({ mode: 'open' }), parseDocument(html));
  }, [html]);
  return <div ref={host} className={isLandscape(html) ? 'doc-paper doc-paper-landscape' : 'doc-paper'} data-testid={testId ?? 'document-view'} />;
}

/** Whether the document asks for a landscape page (its @page rule): the preview is then as wide as that paper. */
function isLandscape(html: string): boolean {
  return /@page\s*\{[^}]*\blandscape\b/.test(html);
}

export type PrintableDoc = { html: string; fileName: string };

/**
 * Preview of a printable document with Print and Save buttons. `load` fetches it from the station
 * when the dialog opens; `children` go above the page (e.g. the signature check of a certificate).
 */
export function DocumentPreview({
  title,
  load,
  onClose,
  children,
  testId = 'document-preview',
}: {
  title: ReactNode;
  load: () => Promise<PrintableDoc>;
  onClose: () => void;
  children?: (doc: PrintableDoc) => ReactNode;
  testId?: string;
}) {
  const { t } = useTranslation();
  // The document asked for when the preview opened; a caller's new closure each render is not a new document.
  const [loader] = useState(() => load);
  const { value: doc, error } = useLoaded(loader, [loader]);

  return (
    <Modal
      open
      title={title}
      width={doc && isLandscape(doc.html) ? 1240 : 980}
      onCancel={onClose}
      destroyOnHidden
      data-testid={testId}
      styles={{ body: { maxHeight: '72vh', overflow: 'auto' } }}
      footer={
        <Flex gap={8} justify="flex-end">
          <Button icon={<DownloadOutlined />} disabled={!doc} onClick={() => doc && saveTextFile(doc.fileName, doc.html, 'text/html;charset=utf-8')} data-testid="document-save">
            {t('ui:print.save')}
          </Button>
          <Button type="primary" icon={<PrinterOutlined />} disabled={!doc} onClick={() => doc && printDocument(doc.html)} data-testid="document-print">
            {t('ui:print.print')}
          </Button>
          <Button onClick={onClose} data-testid="document-close">
            {t('ui:common.close')}
          </Button>
        </Flex>
      }
    >
      <ErrorAlert error={error} />
      {!doc && !error ? (
        <Flex justify="center" style={{ padding: 48 }}>
          <Spin />
        </Flex>
      ) : null}
      {doc ? (
        <Flex vertical gap={12}>
          {children?.(doc)}
          <div className="doc-frame">
            <HtmlDocumentView html={doc.html} />
          </div>
        </Flex>
      ) : null}
    </Modal>
  );
}
